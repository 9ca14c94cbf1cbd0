using System.Text.Json;
using TrainSwarm.Bench.Hostile;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Cli.Tests.Bench;

/// <summary>
/// `swarm bench hostile`, short: every generated request against a real coordinator is refused 4xx and changes nothing, and slow clients
/// are cut off.
/// </summary>
public sealed class HostileCommandTests
{
    [Fact]
    public async Task A_short_storm_is_answered_4xx_only_on_every_endpoint_and_leaves_state_and_ledger_unchanged()
    {
        var (code, output) = await CliRunner.Run("bench", "hostile", "--requests", "1500", "--seed", "7", "--parallel", "4", "--slow-clients", "1");

        var figures = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        string Value(string figure) => figures.Single(f => f.GetProperty("figure").GetString() == figure).GetProperty("value").ToString();
        Assert.True(code == 0, output);
        Assert.Equal("1500", Value("requests"));
        Assert.Equal("100", Value("answered_4xx"));
        Assert.Equal("0", Value("answered_5xx"));
        Assert.Equal("True", Value("state_and_ledger_unchanged"), ignoreCase: true);
        Assert.Equal("True", Value("ledger_verifies"), ignoreCase: true);
        var hit = Value("endpoints_hit").Split('/');
        Assert.Equal(hit[1], hit[0]);
        Assert.True(int.Parse(hit[1], System.Globalization.CultureInfo.InvariantCulture) >= 30, output);
        // The production limits cut off both slow-loris clients (the bench gives up on one after a minute).
        Assert.Equal("1/1", Value("slow headers cut off"));
        Assert.Equal("1/1", Value("slow body cut off"));
        Assert.DoesNotContain(figures, f => f.GetProperty("figure").GetString() == "not refused");
        foreach (var kind in new[] { "wrong method", "path trick", "unsigned", "garbage signature", "signed, bad body", "replay" })
            Assert.True(int.Parse(Value("kind: " + kind), System.Globalization.CultureInfo.InvariantCulture) > 0, $"no '{kind}' requests");
    }

    [Fact]
    public void The_same_seed_generates_the_same_requests_and_another_seed_others()
    {
        using var key = ActorKey.Generate();
        ApiEndpoint[] endpoints = [new("/api/v1/jobs", ["GET", "POST"]), new("/api/v1/jobs/{id}", ["GET"]), new("/api/v1/faucet", ["POST"])];
        var at = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        string Run(int seed)
        {
            var generator = new HostileRequests(endpoints, key, () => at, 1 << 20, seed);
            // Signatures are ECDSA (randomized), so compare what the generator chose, not the signature bytes.
            return string.Join("\n", Enumerable.Range(0, 300).Select(_ => generator.Next())
                .Select(r => $"{r.Kind} {r.Method} {r.Target} {Convert.ToHexString(r.Body ?? [])}"));
        }
        Assert.Equal(Run(3), Run(3));
        Assert.NotEqual(Run(3), Run(4));
    }
}
