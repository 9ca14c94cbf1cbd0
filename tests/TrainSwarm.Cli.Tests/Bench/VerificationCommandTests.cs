using System.Text.Json;

namespace TrainSwarm.Cli.Tests.Bench;

/// <summary>`swarm bench verification` in a tiny configuration: the figures it prints, their shape, and no honest update accused.</summary>
public sealed class VerificationCommandTests
{
    /// <summary>Fashion-MNIST from Debian's package (test.sh installs it).</summary>
    private const string DatasetDirectory = "/usr/share/datasets/fashion-mnist";

    [Fact]
    public async Task A_tiny_run_prints_catch_false_positive_and_compute_lines_and_accuses_no_honest_update()
    {
        var (code, output) = await CliRunner.Run("bench", "verification", "--dataset-dir", DatasetDirectory, "--inner-steps", "20",
            "--commit-every", "5", "--share-bps", "2500", "--batch-size", "16", "--trials", "400", "--honest", "4", "--cheaters", "1",
            "--skip", "0.1,0.5", "--train-samples", "2000", "--threads", "1,2");
        Assert.True(code == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        string Figure(JsonElement e) => e.GetProperty("figure").GetString()!;

        // Two skip shares × two patterns; a skipper is caught whenever a segment it shortened is picked, never otherwise.
        var catches = lines.Where(l => Figure(l) == "catch").ToList();
        Assert.Equal(4, catches.Count);
        Assert.Equal(["block", "spread", "block", "spread"], catches.Select(c => c.GetProperty("pattern").GetString()));
        foreach (var c in catches)
        {
            Assert.Equal(4, c.GetProperty("segments").GetInt32());
            var caught = c.GetProperty("segments_caught").GetDouble();
            Assert.InRange(caught, 1, 4);
            var perRound = c.GetProperty("caught_1_round").GetDouble();
            // Each segment is picked on its own with probability 1/4: 1 − (3/4)^k, within sampling error of 400 secrets.
            Assert.InRange(perRound, 1 - Math.Pow(0.75, caught) - 0.08, 1 - Math.Pow(0.75, caught) + 0.08);
            Assert.Equal(1 - Math.Pow(1 - perRound, 20), c.GetProperty("caught_within_rounds").GetDouble(), 9);
        }
        // 10% of 20 steps in one block is the last segment alone; spread out, it touches both segments with a skipped step.
        Assert.Equal(1, catches[0].GetProperty("segments_caught").GetDouble());
        Assert.Equal(2, catches[1].GetProperty("segments_caught").GetDouble());

        var falsePositives = lines.Where(l => Figure(l) == "false_positives").ToList();
        Assert.Equal(5, falsePositives.Count);
        Assert.All(falsePositives, f => Assert.Equal((0, 0), (f.GetProperty("false_positives").GetInt32(), f.GetProperty("rejected").GetInt32())));
        Assert.Equal(4, falsePositives[^1].GetProperty("honest_updates").GetInt32());
        Assert.Equal(16, falsePositives[^1].GetProperty("segments_replayed").GetInt64());

        var compute = Assert.Single(lines, l => Figure(l) == "replay_compute");
        Assert.Equal(80, compute.GetProperty("trained_steps").GetInt64());
        Assert.Equal(0, compute.GetProperty("replayed_steps").GetInt64() % 5);
        Assert.Equal(4, compute.GetProperty("states_per_update").GetInt32());
        // The whole check includes the replayed steps and more (loading the shard and states, the chain-end check).
        Assert.True(compute.GetProperty("check_seconds").GetDouble() >= compute.GetProperty("replay_seconds").GetDouble());
    }
}
