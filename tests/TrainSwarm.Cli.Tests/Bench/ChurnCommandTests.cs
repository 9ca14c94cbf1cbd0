using System.Text.Json;
using TrainSwarm.Cli.Commands.Bench;

namespace TrainSwarm.Cli.Tests.Bench;

/// <summary>
/// `swarm bench churn`, short: 4 node processes, 3 rounds, one node SIGKILLed with its update upload in flight and restarted; every
/// round closes and the money settles exactly.
/// </summary>
public sealed class ChurnCommandTests
{
    [Fact]
    public async Task A_node_killed_mid_upload_and_restarted_leaves_every_round_closed_and_the_settlement_exact()
    {
        var (code, output) = await CliRunner.Run("bench", "churn", "--nodes", "4", "--rounds", "3", "--kill-fraction", "0.25", "--seed", "3",
            "--dataset-dir", "/usr/share/datasets/fashion-mnist");

        var figures = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        string Value(string figure) => figures.Single(f => f.GetProperty("figure").GetString() == figure).GetProperty("value").ToString();
        Assert.True(code == 0, output);
        Assert.Equal("Completed", Value("job_status"));
        Assert.Equal("3", Value("rounds_closed"));
        Assert.Equal("3", Value("round_attempts"));
        Assert.Equal("1", Value("kills"));
        // The blob and the submission were both missing right after the SIGKILL: the upload was in flight.
        Assert.Equal("1", Value("kills_mid_upload"));
        Assert.Equal("1", Value("restarts"));
        // The restarted node resumed its round (same key, its committed states kept) and delivered.
        Assert.Equal("1", Value("killed_nodes_delivered_after_restart"));
        foreach (var check in new[] { "invoice_settled", "invoice_equals_ledger", "ledger_verifies", "creator_balance_exact", "settlement_exact" })
            Assert.Equal("True", Value(check), ignoreCase: true);
        Assert.Equal("0", Value("nodes_paid_for_updates_not_accepted"));
        var paid = long.Parse(Value("ledger_payouts"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(paid > 0, output);
        Assert.Equal(paid.ToString(System.Globalization.CultureInfo.InvariantCulture), Value("accepted_updates_pay"));
        Assert.DoesNotContain(figures, f => f.GetProperty("figure").GetString() == "problem");
    }

    [Fact]
    public void Victims_are_distinct_seeded_nodes_spread_evenly_over_the_rounds()
    {
        var settings = new ChurnSettings(20, 100, ChurnSettings.KillsOf(20, 0.25), 10, 256, 1, "", "");
        Assert.Equal(5, settings.Kills);
        var schedule = ChurnRun.Schedule(settings);
        Assert.Equal([10, 30, 50, 70, 90], schedule.Keys.Order());
        var victims = schedule.Values.SelectMany(v => v).ToList();
        Assert.Equal(5, victims.Distinct().Count());
        Assert.All(victims, v => Assert.InRange(v, 1, 20));
        Assert.Equal(schedule.Values.SelectMany(v => v), ChurnRun.Schedule(settings).Values.SelectMany(v => v));
        Assert.NotEqual(victims, ChurnRun.Schedule(settings with { Seed = 2 }).Values.SelectMany(v => v));
        // 4 nodes × 3 rounds at 25 %: one kill, in the middle round; more victims than rounds share a round.
        Assert.Equal([1], ChurnRun.Schedule(new ChurnSettings(4, 3, ChurnSettings.KillsOf(4, 0.25), 10, 256, 1, "", "")).Keys);
        Assert.Equal(6, ChurnRun.Schedule(new ChurnSettings(6, 2, 6, 10, 256, 1, "", "")).Values.Sum(v => v.Count));
        Assert.Equal(0, ChurnSettings.KillsOf(8, 0));
        Assert.Equal(1, ChurnSettings.KillsOf(2, 0.1));
    }
}
