using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Cli.Commands.Dataset.Shared;
using TrainSwarm.Learning.Data.Uploads;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Dataset;

/// <summary>
/// `swarm dataset upload FILE [FILE] [--name] [--format] [--shape] [--label-column] [--shards] [--split-seed]`: sends a dataset in chunks (a broken
/// upload resumes where it stopped when run again), and prints its manifest once the coordinator checked and split it.
/// </summary>
internal static class UploadCommand
{
    /// <summary>The `upload` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "The file, or an IDX images/labels pair, or x.npy and y.npy", Arity = new ArgumentArity(1, 2),
        };
        var name = new Option<string?>("--name") { Description = "A name for people (default: the file name)" };
        var format = new Option<string?>("--format") { Description = $"One of {string.Join(", ", UploadFormats.Names)} (default: from the file name)" };
        var shape = new Option<string?>("--shape") { Description = "For an image CSV whose pixels make no square: HxW or CxHxW" };
        var label = new Option<string?>("--label-column") { Description = "For a tabular CSV: the label column's header (default: label)" };
        var shards = new Option<int?>("--shards") { Description = $"Training shards to cut, 1 to {DatasetIds.MaxShards} (default {DatasetIds.DefaultShards})" };
        var splitSeed = new Option<ulong?>("--split-seed")
        {
            Description = "Seed the holdout and shard split with this (default: from the file's digest); "
                + "a named-dataset job with this seed over the same samples splits alike",
            CustomParser = ParseSeed,
        };
        var key = context.KeyOption("wallet.pem", "the dataset's owner");
        var coordinator = context.CoordinatorOption();
        var json = context.JsonOption();
        var command = new Command("upload", $"Upload a dataset (at most {UploadLimits.MaxBytes >> 20} MiB); it is checked, split into a holdout and shards, "
            + "and named by an id that a job's dataset field takes.\n"
            + "Example: swarm dataset upload digits.csv --name digits --shards 3")
        {
            files, name, format, shape, label, shards, splitSeed, key, coordinator, json,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var paths = parse.GetValue(files)!;
            var (file, chosen, temporary) = UploadBundle.Prepare(paths, parse.GetValue(format));
            try
            {
                using var owner = context.LoadKey(parse.GetValue(key)!);
                using var client = context.Client(parse.GetValue(coordinator)!, owner);
                var settings = new DatasetUploadStart(parse.GetValue(name) ?? Path.GetFileName(paths[0]), UploadFormats.Name(chosen), 0, "",
                    parse.GetValue(shape), parse.GetValue(label), parse.GetValue(shards), parse.GetValue(splitSeed));
                // A new creator's key must be known before it can sign an upload, as for job submit.
                await Registration.EnsureRegisteredAsync(client, "creator", false, cancellation);
                var what = $"cannot upload {string.Join(" and ", paths)}";
                var view = context.Console.Profile.Capabilities.Interactive && !parse.GetValue(json)
                    ? await context.Console.Progress().StartAsync(async progress =>
                    {
                        var task = progress.AddTask("uploading", maxValue: new FileInfo(file).Length);
                        return await Remote.CallAsync(client, what, () => client.UploadDatasetAsync(file, settings, new Bar(task), cancellation));
                    })
                    : await Remote.CallAsync(client, what, () => client.UploadDatasetAsync(file, settings, null, cancellation));
                context.Output(view, parse.GetValue(json), v =>
                {
                    foreach (var line in DatasetText.Manifest(v))
                        context.WriteLine(line);
                });
                return SwarmApp.Success;
            }
            finally
            {
                if (temporary)
                    File.Delete(file);
            }
        });
        return command;
    }

    // The default parser's refusal names the CLR type (System.Nullable`1[System.UInt64]); this one says what a seed may be.
    private static ulong? ParseSeed(System.CommandLine.Parsing.ArgumentResult result)
    {
        var text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (ulong.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seed))
            return seed;
        result.AddError($"--split-seed must be a whole number from 0 to {ulong.MaxValue}, not '{text}'");
        return null;
    }

    // Sets the bar to what the coordinator holds, so a resumed upload starts where it stood.
    private sealed class Bar(ProgressTask task) : IProgress<long>
    {
        public void Report(long value) => task.Value = value;
    }
}
