using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TrainSwarm.Bench.Byzantine;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>
/// `swarm bench byzantine`: final test accuracy of every aggregator under every attack with 0, 1, 3 and 7 of 16
/// workers Byzantine, simulated in this one process (no network), one JSON line per cell.
/// </summary>
public static class ByzantineCommand
{
    /// <summary>The aggregators of the full grid.</summary>
    public static readonly IReadOnlyList<string> DefaultAggregators =
        ["fedavg", "diloco", "trimmed-mean", "median", "krum", "multi-krum", "centered-clipping"];

    /// <summary>Builds the `bench byzantine` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var rounds = CommonOptions.Positive("--rounds", "Rounds per cell", 10);
        var workers = CommonOptions.Positive("--workers", "Workers (honest + Byzantine)", 16);
        var innerSteps = CommonOptions.Positive("--inner-steps", "H: SGD steps per worker per round", 20);
        var threads = CommonOptions.Positive("--threads", "Compute threads", 2);
        var byzantine = new Option<string>("--byzantine") { Description = "Byzantine counts, comma-separated", DefaultValueFactory = _ => "0,1,3,7" };
        var attacks = new Option<string>("--attacks")
        {
            Description = "Attacks, comma-separated: " + string.Join(", ", Attacks.Names), DefaultValueFactory = _ => string.Join(",", Attacks.Names),
        };
        var aggregators = new Option<string>("--aggregators")
        {
            Description = "Aggregators, comma-separated (diloco:RULE puts DiLoCo on a robust rule)",
            DefaultValueFactory = _ => string.Join(",", DefaultAggregators),
        };
        var seed = new Option<ulong>("--seed") { Description = "Seeds shards, model, training and attacks" };
        var dataDir = new Option<string?>("--dataset-dir") { Description = "Folder holding the Fashion-MNIST IDX files" };
        var checks = new Option<bool>("--contribution-checks")
        {
            Description = "Drop what the validator's contribution checks refuse (zero, copies, replays) before aggregating",
        };
        var command = new Command("byzantine", "Robust aggregation under attack, simulated in-process: one JSON line per cell.\nExample: " +
            "swarm bench byzantine --rounds 5 --byzantine 0,3 --attacks sign-flip,alie --aggregators fedavg,median")
        {
            rounds, workers, innerSteps, threads, byzantine, attacks, aggregators, seed, dataDir, checks,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var options = new ByzantineOptions(
                List(parse.GetValue(aggregators)!), List(parse.GetValue(attacks)!),
                List(parse.GetValue(byzantine)!).Select(b => int.TryParse(b, CultureInfo.InvariantCulture, out var v) ? v
                    : throw new CliException($"--byzantine: '{b}' is not a whole number")).ToList(),
                parse.GetValue(workers), parse.GetValue(rounds), parse.GetValue(innerSteps), Seed: parse.GetValue(seed),
                Threads: parse.GetValue(threads), DataDir: parse.GetValue(dataDir), ContributionChecks: parse.GetValue(checks));
            ByzantineBench bench;
            try
            {
                bench = await ByzantineBench.CreateAsync(options, cancellation);
                // Builds every aggregator once up front, so a misspelt name fails before an hour of training.
                foreach (var a in options.Aggregators)
                    bench.CreateStrategy(a, options.Byzantine.Max());
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message);
            }
            bench.Run(cell => CommonOptions.WriteLine(console, JsonSerializer.Serialize(cell)), cancellation);
            return SwarmApp.Success;
        });
        return command;
    }

    private static List<string> List(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
