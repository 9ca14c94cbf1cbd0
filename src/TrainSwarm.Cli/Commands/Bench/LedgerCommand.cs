using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using TrainSwarm.Bench.Ledger;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>`swarm bench ledger`: committed transfers per second (single and batched) and verify time, as JSON lines.</summary>
public static class LedgerCommand
{
    private const string TestPostgresVariable = "TRAINSWARM_TEST_PG";

    /// <summary>Builds the `bench ledger` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var db = new Option<string?>("--db")
        {
            Description = "Where to build the bench ledger: a SQLite file path that does not exist yet, or a PostgreSQL connection string (a fresh " +
                "schema is used and dropped). Default: a temporary SQLite file",
        };
        var all = new Option<bool>("--all") { Description = $"Run on a temporary SQLite file and on PostgreSQL (--db, or ${TestPostgresVariable})" };
        var singles = CommonOptions.Positive("--single", "Transfers committed one per transaction", 2_000);
        var batches = CommonOptions.Positive("--batches", "Batches of --batch-size transfers", 50);
        var batchSize = CommonOptions.Positive("--batch-size", "Transfers per batch", 1_000);
        var command = new Command("ledger", "Measure ledger throughput and verify time on SQLite and/or PostgreSQL; prints one JSON line per " +
            "figure.\nExample: swarm bench ledger --all --db " +
            "\"Host=127.0.0.1;Port=55432;Username=trainswarm;Password=trainswarm;Database=trainswarm_test\"") { db, all, singles, batches, batchSize };
        command.SetAction(async (ParseResult parse, CancellationToken cancellation) =>
        {
            var options = new LedgerBenchOptions(parse.GetValue(singles), parse.GetValue(batches), parse.GetValue(batchSize));
            var targets = new List<string>();
            var given = parse.GetValue(db);
            if (parse.GetValue(all))
            {
                targets.Add(TempSqlite());
                var postgres = given is not null && Storage.Ledger.LedgerStore.IsPostgres(given)
                    ? given : Environment.GetEnvironmentVariable(TestPostgresVariable);
                if (string.IsNullOrWhiteSpace(postgres))
                    throw new CliException($"--all needs a PostgreSQL connection: pass --db \"Host=…\" or set {TestPostgresVariable}", SwarmApp.BadUsage);
                targets.Add(postgres);
            }
            else
            {
                targets.Add(given ?? TempSqlite());
            }
            foreach (var target in targets)
            {
                try
                {
                    await LedgerBench.RunAsync(target, options, figure =>
                        context.Out.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
                        {
                            ["figure"] = figure.Figure,
                            ["backend"] = figure.Backend,
                            ["value"] = Math.Round(figure.Value, 3),
                            ["unit"] = figure.Unit,
                            ["count"] = figure.Count,
                            ["seconds"] = Math.Round(figure.Seconds, 3),
                        })), cancellation);
                }
                catch (Exception e) when (e is not OperationCanceledException and not CliException)
                {
                    throw new CliException($"ledger bench on {LedgerConnection.Describe(target)} failed: {e.Message}");
                }
            }
            return SwarmApp.Success;
        });
        return command;
    }

    private static string TempSqlite() => Path.Combine(Path.GetTempPath(), $"trainswarm-bench-{Guid.NewGuid():N}.db");
}
