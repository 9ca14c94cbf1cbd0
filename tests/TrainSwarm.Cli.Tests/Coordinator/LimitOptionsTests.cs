using System.CommandLine;
using TrainSwarm.Cli.Commands.Coordinator.Shared;
using TrainSwarm.Coordinator.Hosting;

namespace TrainSwarm.Cli.Tests.Coordinator;

/// <summary>`coordinator run`'s limit flags: the production defaults when absent, the operator's values when given, bad values refused.</summary>
public sealed class LimitOptionsTests
{
    private static ConnectionLimits Parse(params string[] args)
    {
        var flags = new LimitOptions();
        var command = new Command("run");
        flags.AddTo(command);
        var parse = command.Parse(args);
        Assert.Empty(parse.Errors);
        return flags.Read(parse);
    }

    [Fact]
    public void Without_flags_the_limits_are_the_production_defaults()
    {
        Assert.Equal(new ConnectionLimits(), Parse());
    }

    [Fact]
    public void Each_flag_sets_its_limit()
    {
        var limits = Parse("--headers-timeout", "5", "--keep-alive", "30", "--min-body-rate", "4096", "--body-grace", "3",
            "--max-connections", "50", "--max-header-kb", "64", "--max-json-mb", "2");
        Assert.Equal(new ConnectionLimits
        {
            RequestHeadersTimeout = TimeSpan.FromSeconds(5), KeepAliveTimeout = TimeSpan.FromSeconds(30), MinRequestBodyBytesPerSecond = 4096,
            MinRequestBodyGracePeriod = TimeSpan.FromSeconds(3), MaxConcurrentConnections = 50, MaxRequestHeadersBytes = 64 << 10,
            MaxJsonBodyBytes = 2 << 20,
        }, limits);
        Assert.Equal(0, Parse("--min-body-rate", "0").MinRequestBodyBytesPerSecond);
    }

    [Theory]
    [InlineData("--body-grace", "1", "--body-grace must be at least 2")]
    [InlineData("--max-connections", "0", "--max-connections must be at least 1")]
    [InlineData("--min-body-rate", "-1", "--min-body-rate must be at least 0")]
    public async Task A_bad_value_is_refused_in_one_line_before_anything_starts(string flag, string value, string message)
    {
        var folder = Path.Combine(Path.GetTempPath(), "ts-limit-flags-" + Guid.NewGuid().ToString("N"));
        var (code, output) = await CliRunner.Run("coordinator", "run", "--data-dir", folder, "--url", "http://127.0.0.1:0", flag, value);
        Assert.NotEqual(0, code);
        Assert.Contains(message, output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(folder), "the coordinator started despite the bad flag");
    }
}
