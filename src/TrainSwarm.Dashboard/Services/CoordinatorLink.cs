using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using TrainSwarm.Client;

namespace TrainSwarm.Dashboard.Services;

/// <summary>
/// The dashboard's way to its coordinator: the public HTTP API at the coordinator's own listening address, like any
/// other client, never its internals. The address is known only once the server listens (port 0 picks one), so it
/// is resolved on first use.
/// </summary>
public sealed class CoordinatorLink(IServer server) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(2) };
    private SwarmClient? _client;

    /// <summary>An unsigned client for reads and quotes.</summary>
    public SwarmClient Client => _client ??= new SwarmClient(BaseAddress, http: _http);

    /// <summary>The HTTP client signed requests go through.</summary>
    public HttpClient Http => _http;

    /// <summary>The coordinator's root address.</summary>
    public Uri BaseAddress => field ??= Resolve(server);

    internal static Uri Resolve(IServer server)
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var first = addresses.FirstOrDefault() ?? throw new InvalidOperationException("the coordinator is not listening yet");
        return new Uri(LoopbackFor(first) + "/");
    }

    /// <summary>A wildcard listening address (0.0.0.0, [::], +, *) reached over loopback; others as they are.</summary>
    internal static string LoopbackFor(string address)
    {
        var uri = new Uri(address.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal));
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : uri.Host;
        return $"{uri.Scheme}://{host}:{uri.Port}";
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _client?.Dispose();
        _http.Dispose();
    }
}
