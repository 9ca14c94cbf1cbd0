using System.CommandLine;
using TrainSwarm.Coordinator.Hosting;

namespace TrainSwarm.Cli.Commands.Coordinator.Shared;

/// <summary>
/// The flags of `coordinator run` that override the HTTP server's <see cref="ConnectionLimits"/>; each defaults to the production
/// value in <see cref="ConnectionLimits"/>, so the two never disagree.
/// </summary>
public sealed class LimitOptions
{
    private static readonly ConnectionLimits Defaults = new();

    private readonly Option<int> _headersTimeout = Seconds("--headers-timeout", "Seconds a client has to send a request's headers",
        Defaults.RequestHeadersTimeout, 1);
    private readonly Option<int> _keepAlive = Seconds("--keep-alive", "Seconds an idle keep-alive connection stays open", Defaults.KeepAliveTimeout, 1);
    private readonly Option<int> _minBodyRate = Whole("--min-body-rate",
        "Slowest request body accepted after the grace period, in bytes per second (0: no check)", (int)Defaults.MinRequestBodyBytesPerSecond, 0);
    private readonly Option<int> _bodyGrace = Seconds("--body-grace", "Seconds a body may arrive slower than --min-body-rate before it is cut off",
        Defaults.MinRequestBodyGracePeriod, 2);
    private readonly Option<int> _maxConnections = Whole("--max-connections", "Open connections served at once (SSE subscribers included)",
        (int)Defaults.MaxConcurrentConnections!.Value, 1);
    private readonly Option<int> _maxHeaderKb = Whole("--max-header-kb", "Largest request header block, in KiB", Defaults.MaxRequestHeadersBytes >> 10, 1);
    private readonly Option<int> _maxJsonMb = Whole("--max-json-mb", "Largest signed JSON request body (not blobs or dataset chunks), in MiB",
        (int)(Defaults.MaxJsonBodyBytes >> 20), 1);

    /// <summary>Adds the flags to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new[] { _headersTimeout, _keepAlive, _minBodyRate, _bodyGrace, _maxConnections, _maxHeaderKb, _maxJsonMb })
            command.Options.Add(option);
    }

    /// <summary>The limits that <paramref name="parse"/> asks for.</summary>
    public ConnectionLimits Read(ParseResult parse) => new()
    {
        RequestHeadersTimeout = TimeSpan.FromSeconds(parse.GetValue(_headersTimeout)),
        KeepAliveTimeout = TimeSpan.FromSeconds(parse.GetValue(_keepAlive)),
        MinRequestBodyBytesPerSecond = parse.GetValue(_minBodyRate),
        MinRequestBodyGracePeriod = TimeSpan.FromSeconds(parse.GetValue(_bodyGrace)),
        MaxConcurrentConnections = parse.GetValue(_maxConnections),
        MaxRequestHeadersBytes = parse.GetValue(_maxHeaderKb) << 10,
        MaxJsonBodyBytes = (long)parse.GetValue(_maxJsonMb) << 20,
    };

    private static Option<int> Seconds(string name, string description, TimeSpan defaultValue, int min) =>
        Whole(name, description, (int)defaultValue.TotalSeconds, min);

    private static Option<int> Whole(string name, string description, int defaultValue, int min)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < min) r.AddError($"{name} must be at least {min}");
        });
        return option;
    }
}
