using System.CommandLine;
using System.Text.Json;
using TrainSwarm.Cli.Devnet;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>`swarm bench crash`: the coordinator SIGKILLed at random moments and restarted while nodes train; nothing acknowledged or paid is lost.</summary>
public static class CrashCommand
{
    /// <summary>Builds the `bench crash` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var kills = CommonOptions.Positive("--kills", "Coordinator SIGKILLs (each followed by a restart on the same data)", 500);
        var nodes = CommonOptions.Positive("--nodes", "Node processes training all along", 3);
        var rounds = CommonOptions.Positive("--rounds", "Rounds of each mlp job (the next job is submitted when one ends before the kills do)", 20);
        var delay = CommonOptions.Positive("--max-delay-ms", "Each kill comes a seeded random 0–N ms after the coordinator answered again", 3000);
        var postgres = new Option<bool>("--postgres") { Description = "A private PostgreSQL with two coordinator replicas (a random one killed each " +
            "time) instead of SQLite" };
        var seed = new Option<int>("--seed") { Description = "Seeds the kill moments, the replicas picked and the jobs", DefaultValueFactory = _ => 1 };
        var dataDir = new Option<string?>("--dataset-dir") { Description = "Folder holding the Fashion-MNIST IDX files" };
        var command = new Command("crash", "A devnet of real processes trains mlp jobs while the coordinator is SIGKILLed at seeded random moments " +
            "and restarted on the same data, K times. After every restart a bank check of the ledger database (the replay of every committed " +
            "entry equals every stored balance, balances sum to 0, supply = minted); at the end: acknowledged updates lost, payouts doubled or " +
            "missing, the settlement of every job. Prints one JSON line per figure; exits 1 on any failure.\n" +
            "Example: swarm bench crash --kills 500 [--postgres]")
        {
            kills, nodes, rounds, delay, postgres, seed, dataDir,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var dataset = await DatasetSetup.FashionMnistAsync(console, parse.GetValue(dataDir), cancellation);
            await using var server = parse.GetValue(postgres) ? await PrivatePostgres.StartAsync(cancellation) : null;
            var folder = Path.Combine(Path.GetTempPath(), "trainswarm-crash-" + Guid.NewGuid().ToString("N")[..8]);
            var settings = new CrashSettings(parse.GetValue(kills), parse.GetValue(nodes), parse.GetValue(rounds), parse.GetValue(delay),
                parse.GetValue(seed), folder, dataset, server?.Connection);
            try
            {
                var report = await CrashRun.RunAsync(settings, line => System.Console.Error.WriteLine(line), cancellation);
                foreach (var figure in Figures(settings, report))
                    context.Out.WriteLine(JsonSerializer.Serialize(figure));
                return report.Ok ? SwarmApp.Success : 1;
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
    public static IEnumerable<Dictionary<string, object?>> Figures(CrashSettings settings, CrashReport report)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(report);
        Dictionary<string, object?> Figure(string figure, object? value, string unit) => new()
        {
            ["figure"] = figure, ["value"] = value, ["unit"] = unit, ["store"] = settings.Database is null ? "sqlite" : "postgres-2-replicas",
            ["nodes"] = settings.Nodes,
        };
        yield return Figure("kills", report.Kills, "SIGKILLs");
        yield return Figure("restarts", report.Restarts, "processes");
        yield return Figure("bank_checks_passed", report.BankChecksPassed, "checks");
        yield return Figure("jobs", report.Jobs.Count, "jobs");
        yield return Figure("jobs_completed", report.Jobs.Count(j => j.Status == Protocol.Wire.JobStatus.Completed), "jobs");
        yield return Figure("rounds_closed", report.RoundsClosed, "rounds");
        yield return Figure("updates_acknowledged", report.Acknowledged, "updates");
        yield return Figure("acknowledged_updates_lost", report.Lost, "updates");
        yield return Figure("payouts_doubled", report.PayoutsDoubled, "payouts");
        yield return Figure("payouts_missing", report.PayoutsMissing, "payouts");
        yield return Figure("settlement_exact", report.SettlementsExact, "bool");
        yield return Figure("ok", report.Ok, "bool");
        yield return Figure("wall_time", Math.Round(report.Seconds, 1), "s");
        foreach (var problem in report.Problems)
            yield return Figure("problem", problem, "text");
    }
}
