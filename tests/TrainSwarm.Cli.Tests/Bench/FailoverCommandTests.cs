using System.Text.Json;

namespace TrainSwarm.Cli.Tests.Bench;

/// <summary>`swarm bench failover`: a private PostgreSQL (initdb, as `devnet --postgres` starts one), two replicas, the leader killed.</summary>
public sealed class FailoverCommandTests
{
    [Fact]
    public async Task Two_kills_of_the_leader_print_one_failover_line_with_both_samples()
    {
        var (code, output) = await CliRunner.Run(["bench", "failover", "--trials", "2"]);
        Assert.True(code == 0, output);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), l => l.StartsWith('{'));
        var figure = JsonDocument.Parse(line).RootElement;
        Assert.Equal("failover_ms", figure.GetProperty("figure").GetString());
        Assert.Equal(2, figure.GetProperty("trials").GetInt32());
        Assert.Equal(500, figure.GetProperty("leader_poll_ms").GetDouble());
        var samples = figure.GetProperty("samples").EnumerateArray().Select(s => s.GetDouble()).ToList();
        Assert.Equal(2, samples.Count);
        Assert.All(samples, s => Assert.True(s > 0, line));
        Assert.Equal((samples.Min(), samples.Max()), (figure.GetProperty("min").GetDouble(), figure.GetProperty("max").GetDouble()));
    }
}
