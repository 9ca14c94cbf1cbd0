using System.CommandLine;
using System.Text.Json;
using TrainSwarm.Cli.Devnet;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>
/// `swarm bench upload-parity`: the same 3-node job on Fashion-MNIST's first N training images by name, uploaded as an image
/// CSV and uploaded as a PNG zip (<see cref="UploadParityRun"/>); prints each one's accuracy, whether the final weights are
/// the same bytes, and the upload and shard-download throughput against a plain file copy.
/// </summary>
public static class UploadParityCommand
{
    /// <summary>Builds the `bench upload-parity` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var samples = CommonOptions.Positive("--samples", "Fashion-MNIST training images (the first N) in every run", 3000);
        var rounds = CommonOptions.Positive("--rounds", "Rounds of each job", 2);
        var innerSteps = CommonOptions.Positive("--inner-steps", "H: steps per node per round", 30);
        var seed = new Option<ulong>("--seed") { Description = "The jobs' seed, and the uploads' split seed", DefaultValueFactory = _ => 11 };
        var dataDir = new Option<string?>("--dataset-dir") { Description = "Folder holding the Fashion-MNIST IDX files" };
        var command = new Command("upload-parity", "The same 3-node job on named Fashion-MNIST, an uploaded CSV and an uploaded PNG zip.\nExample: " +
            "swarm bench upload-parity --samples 3000 --rounds 2 --inner-steps 30") { samples, rounds, innerSteps, seed, dataDir };
        command.SetAction(async (parse, cancellation) =>
        {
            var dataset = await DatasetSetup.FashionMnistAsync(console, parse.GetValue(dataDir), cancellation);
            var folder = Path.Combine(Path.GetTempPath(), "trainswarm-bench-parity-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                var options = new UploadParityOptions(dataset, folder, Math.Min(parse.GetValue(samples), 60_000), parse.GetValue(rounds),
                    parse.GetValue(innerSteps), parse.GetValue(seed));
                var result = await UploadParityRun.RunAsync(options, cancellation);
                var write = console.Profile.Out.Writer;
                foreach (var job in new[] { result.Named, result.Csv, result.PngZip })
                {
                    write.WriteLine(JsonSerializer.Serialize(new
                    {
                        bench = "upload-parity", figure = "job", source = job.Source, samples = options.Samples, rounds = options.Rounds,
                        inner_steps = options.InnerSteps, seed = options.Seed, test_accuracy = Math.Round(job.TestAccuracy, 4),
                        holdout_accuracy = Math.Round(job.HoldoutAccuracy, 4), model_blob = job.ModelBlob,
                        same_weights_as_named = job.ModelBlob == result.Named.ModelBlob,
                    }));
                }
                foreach (var job in new[] { result.Csv, result.PngZip })
                {
                    write.WriteLine(Throughput("upload", job.Source, job.FileBytes, job.UploadSeconds));
                    write.WriteLine(Throughput("file_copy", job.Source, job.FileBytes, job.CopySeconds));
                }
                write.WriteLine(Throughput("shard_download", "csv", result.Shards.Bytes, result.Shards.DownloadSeconds));
                write.WriteLine(Throughput("shard_file_copy", "csv", result.Shards.Bytes, result.Shards.CopySeconds));
                var same = result.Csv.ModelBlob == result.Named.ModelBlob && result.PngZip.ModelBlob == result.Named.ModelBlob;
                return same ? SwarmApp.Success : SwarmApp.Failure;
            }
            finally
            {
                if (Directory.Exists(folder))
                    Directory.Delete(folder, recursive: true);
            }
        });
        return command;
    }

    private static string Throughput(string figure, string source, long bytes, double seconds) => JsonSerializer.Serialize(new
    {
        bench = "upload-parity", figure, source, bytes, seconds = Math.Round(seconds, 4), mb_per_s = Math.Round(bytes / 1e6 / Math.Max(seconds, 1e-9), 1),
    });
}
