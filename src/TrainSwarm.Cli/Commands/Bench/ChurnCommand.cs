using System.CommandLine;
using System.Text.Json;
using TrainSwarm.Cli.Devnet;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>`swarm bench churn`: nodes SIGKILLed mid-upload and restarted during a real job; the settlement must still be exact.</summary>
public static class ChurnCommand
{
    /// <summary>Builds the `bench churn` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var nodes = CommonOptions.Positive("--nodes", "Node processes", 20);
        var rounds = CommonOptions.Positive("--rounds", "Rounds of the mlp job", 100);
        var fraction = new Option<double>("--kill-fraction")
        {
            Description = "Share of the nodes SIGKILLed once each with an update upload in flight, then restarted (spread over the rounds)",
            DefaultValueFactory = _ => 0.25,
        };
        fraction.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<double>() is < 0 or > 1 or double.NaN) r.AddError("--kill-fraction must be between 0 and 1");
        });
        var innerSteps = CommonOptions.Positive("--inner-steps", "H: steps per node per round (small: the rounds are about the processes)", 10);
        var uploadKib = CommonOptions.Positive("--upload-limit", "Every node's upload cap, KiB/s (keeps an upload in flight long enough to kill)", 256);
        var seed = new Option<int>("--seed") { Description = "Picks the victims and seeds the job", DefaultValueFactory = _ => 1 };
        var dataDir = new Option<string?>("--dataset-dir") { Description = "Folder holding the Fashion-MNIST IDX files" };
        var command = new Command("churn", "A devnet of real processes (coordinator, validator, N nodes on 127.0.0.1) runs an mlp job of R rounds " +
            "while a share of the nodes is SIGKILLed mid-upload and restarted; prints rounds closed, kills, restarts and whether the settlement " +
            "is exact to the micro-token (invoice = ledger, ledger verifies, payouts = accepted updates, no node paid for an update not " +
            "accepted). Exits 1 when it is not.\nExample: swarm bench churn --nodes 20 --rounds 100 --kill-fraction 0.25")
        {
            nodes, rounds, fraction, innerSteps, uploadKib, seed, dataDir,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var dataset = await DatasetSetup.FashionMnistAsync(console, parse.GetValue(dataDir), cancellation);
            var n = parse.GetValue(nodes);
            var folder = Path.Combine(Path.GetTempPath(), "trainswarm-churn-" + Guid.NewGuid().ToString("N")[..8]);
            var settings = new ChurnSettings(n, parse.GetValue(rounds), ChurnSettings.KillsOf(n, parse.GetValue(fraction)), parse.GetValue(innerSteps),
                parse.GetValue(uploadKib), parse.GetValue(seed), folder, dataset);
            try
            {
                var report = await ChurnRun.RunAsync(settings, line => System.Console.Error.WriteLine(line), cancellation);
                foreach (var figure in Figures(settings, report))
                    context.Out.WriteLine(JsonSerializer.Serialize(figure));
                return report.Settlement.Exact && report.Kills.All(k => k.MidUpload) ? SwarmApp.Success : 1;
            }
            finally
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        });
        return command;
    }

    /// <summary>One JSON object per figure.</summary>
    public static IEnumerable<Dictionary<string, object?>> Figures(ChurnSettings settings, ChurnReport report)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(report);
        Dictionary<string, object?> Figure(string figure, object? value, string unit) => new()
        {
            ["figure"] = figure, ["value"] = value, ["unit"] = unit, ["nodes"] = settings.Nodes, ["rounds"] = settings.Rounds,
        };
        var s = report.Settlement;
        yield return Figure("job_status", report.Job.Status.ToString(), "status");
        yield return Figure("rounds_closed", report.RoundsClosed, "rounds");
        yield return Figure("round_attempts", report.Attempts, "attempts");
        yield return Figure("kills", report.Kills.Count, "SIGKILLs");
        yield return Figure("kills_mid_upload", report.Kills.Count(k => k.MidUpload), "SIGKILLs");
        yield return Figure("restarts", report.Restarts, "processes");
        yield return Figure("killed_nodes_delivered_after_restart", report.KilledNodesDeliveredAfterRestart, "nodes");
        yield return Figure("invoice_settled", s.InvoiceSettled, "bool");
        yield return Figure("invoice_equals_ledger", s.InvoiceEqualsLedger, "bool");
        yield return Figure("ledger_verifies", s.LedgerVerifies, "bool");
        yield return Figure("ledger_payouts", s.LedgerPayouts, "micro-tokens");
        yield return Figure("accepted_updates_pay", s.AcceptedPay, "micro-tokens");
        yield return Figure("nodes_paid_for_updates_not_accepted", s.PaidNotAccepted, "payouts");
        yield return Figure("creator_balance_exact", s.CreatorBalanceExact, "bool");
        yield return Figure("settlement_exact", s.Exact, "bool");
        yield return Figure("wall_time", Math.Round(report.Seconds, 1), "s");
        foreach (var problem in s.Problems)
            yield return Figure("problem", problem, "text");
    }
}
