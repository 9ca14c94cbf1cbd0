using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using TrainSwarm.Bench.Verification;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>
/// `swarm bench verification`: how often the validator's replay spot checks catch nodes that skip steps, how often they
/// wrongly accuse honest ones, and what they cost, with the validator's own code on real Fashion-MNIST training; one
/// JSON line per figure.
/// </summary>
public static class VerificationCommand
{
    /// <summary>Builds the `bench verification` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var defaults = new JobSpec();
        var commitEvery = CommonOptions.Positive("--commit-every", "Steps between weight commitments (the job's commitEvery)", JobSpec.DefaultCommitEvery);
        var shareBps = new Option<int>("--share-bps")
        {
            Description = "Checked share in basis points: each segment is replayed with this probability (the job's replayShareBps)",
            DefaultValueFactory = _ => JobSpec.DefaultReplayShareBps,
        };
        shareBps.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 0 or > 10_000)
                r.AddError("--share-bps must be from 0 to 10000");
        });
        var innerSteps = CommonOptions.Positive("--inner-steps", "H: steps per update", defaults.InnerSteps);
        var batchSize = CommonOptions.Positive("--batch-size", "Batch size", defaults.BatchSize);
        var trials = CommonOptions.Positive("--trials", "Audit secrets drawn per cheater", 10_000);
        var honest = CommonOptions.Positive("--honest", "Honest updates trained and replayed in full (false positives, replay compute)", 1000);
        var cheaters = CommonOptions.Positive("--cheaters", "Cheating updates per skip share and pattern", 4);
        var rounds = CommonOptions.Positive("--rounds", "Rounds a cheater has to be caught within", 20);
        var nodes = CommonOptions.Positive("--nodes", "Shards (nodes per round)", 8);
        var skips = new Option<string>("--skip") { Description = "Skipped shares of the steps, comma-separated", DefaultValueFactory = _ => "0.1,0.2,0.5" };
        var optimizers = new Option<string>("--optimizers") { Description = "Optimizers of the honest updates", DefaultValueFactory = _ => "sgd,adam" };
        var threads = new Option<string>("--threads")
        {
            Description = "Engine thread counts; each honest update trains with one and is replayed with the next", DefaultValueFactory = _ => "1,2",
        };
        var trainSamples = new Option<int?>("--train-samples") { Description = "Use only this many training samples (all when absent)" };
        var seed = new Option<ulong>("--seed") { Description = "Seeds the model, shards, round seeds and audit secrets" };
        var dataDir = new Option<string?>("--dataset-dir") { Description = "Folder holding the Fashion-MNIST IDX files" };
        var command = new Command("verification", "Replay spot checks measured: catch rates, false positives, replay compute; one JSON line per " +
            "figure.\nExample: swarm bench verification --commit-every 5 --share-bps 1000 --honest 200")
        {
            commitEvery, shareBps, innerSteps, batchSize, trials, honest, cheaters, rounds, nodes, skips, optimizers, threads, trainSamples, seed, dataDir,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var options = new VerificationOptions(
                parse.GetValue(commitEvery), parse.GetValue(shareBps), parse.GetValue(innerSteps), parse.GetValue(batchSize), parse.GetValue(trials),
                parse.GetValue(honest), parse.GetValue(cheaters), parse.GetValue(nodes), parse.GetValue(rounds),
                List(parse.GetValue(skips)!, "--skip", s => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture)),
                List(parse.GetValue(optimizers)!, "--optimizers", s => s),
                List(parse.GetValue(threads)!, "--threads", s => int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture)),
                parse.GetValue(trainSamples), parse.GetValue(seed), parse.GetValue(dataDir));
            VerificationBench bench;
            try
            {
                bench = await VerificationBench.CreateAsync(options, cancellation);
            }
            catch (ArgumentException e)
            {
                throw new CliException(e.Message);
            }
            bench.Run(figure => CommonOptions.WriteLine(console, JsonSerializer.Serialize(figure, figure.GetType())), cancellation);
            return SwarmApp.Success;
        });
        return command;
    }

    private static List<T> List<T>(string text, string option, Func<string, T> parse)
    {
        try
        {
            return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(parse).ToList();
        }
        catch (FormatException)
        {
            throw new CliException($"{option}: '{text}' is not a comma-separated list of the right kind");
        }
    }
}
