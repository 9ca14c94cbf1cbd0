using System.Text.Json;

namespace TrainSwarm.Cli.Tests.Bench;

/// <summary>`swarm bench byzantine` in a tiny grid: cells it prints, and what the contribution checks drop.</summary>
public sealed class ByzantineCommandTests
{
    /// <summary>Fashion-MNIST from Debian's package (test.sh installs it).</summary>
    private const string DatasetDirectory = "/usr/share/datasets/fashion-mnist";

    private static async Task<List<JsonElement>> Grid(params string[] extra)
    {
        string[] args = ["bench", "byzantine", "--dataset-dir", DatasetDirectory, "--workers", "4", "--byzantine", "0,1", "--rounds", "2",
            "--inner-steps", "2", "--attacks", "copy,zero,sign-flip", "--aggregators", "fedavg", "--threads", "1", .. extra];
        var (code, output) = await CliRunner.Run(args);
        Assert.True(code == 0, output);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
    }

    private static (string Attack, string Checks, int Honest, int Byzantine, double Weight) Row(JsonElement e) =>
        (e.GetProperty("attack").GetString()!, e.GetProperty("checks").GetString()!, e.GetProperty("rejected_honest").GetInt32(),
            e.GetProperty("rejected_byzantine").GetInt32(), e.GetProperty("byzantine_weight").GetDouble());

    [Fact]
    public async Task With_contribution_checks_copies_and_zeros_are_dropped_every_round_and_no_honest_update_is()
    {
        var rows = (await Grid("--contribution-checks")).Select(Row).ToList();
        // The clean run, then copy, zero and sign-flip with 1 of 4 Byzantine, 2 rounds each.
        Assert.Equal(
            [("none", "contribution", 0, 0, 0.0), ("copy", "contribution", 0, 2, 0.0), ("zero", "contribution", 0, 2, 0.0),
                ("sign-flip", "contribution", 0, 0, 0.25)],
            rows);
    }

    [Fact]
    public async Task Without_checks_the_rule_alone_gets_every_update()
    {
        var rows = (await Grid()).Select(Row).ToList();
        // FedAvg weighs by samples; the four shards are equal, so the Byzantine worker's share is 1/4 whatever it sent.
        Assert.Equal(
            [("none", "none", 0, 0, 0.0), ("copy", "none", 0, 0, 0.25), ("zero", "none", 0, 0, 0.25), ("sign-flip", "none", 0, 0, 0.25)],
            rows);
    }
}
