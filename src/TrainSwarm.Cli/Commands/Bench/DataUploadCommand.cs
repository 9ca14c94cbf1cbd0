using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Learning.Data;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>
/// `swarm bench upload`: the uploaded-dataset path on loopback against the disk. Writes the first N Fashion-MNIST training
/// images as an image CSV, then in one run: a plain file copy of it, its chunked upload to a devnet coordinator (hashing,
/// transfer, validation and splitting, end to end), each shard's download as a blob, and a plain copy of each shard's blob file.
/// </summary>
public static class DataUploadCommand
{
    /// <summary>Builds the `bench upload` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var samples = CommonOptions.Positive("--samples", "Fashion-MNIST training images in the CSV", 10_000);
        var shards = CommonOptions.Positive("--shards", "Shards the coordinator cuts", 3);
        var dataDir = new Option<string?>("--dataset-dir") { Description = "Folder holding the Fashion-MNIST IDX files" };
        var command = new Command("upload", "Dataset upload and shard download throughput on loopback, against a plain file copy.\nExample: " +
            "swarm bench upload --samples 10000 --shards 3") { samples, shards, dataDir };
        command.SetAction(async (parse, cancellation) =>
        {
            var dataset = await DatasetSetup.FashionMnistAsync(console, parse.GetValue(dataDir), cancellation);
            var folder = Path.Combine(Path.GetTempPath(), "trainswarm-bench-upload-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(folder);
            try
            {
                var csv = Path.Combine(folder, "fmnist.csv");
                UploadFiles.WriteCsv(FashionMnist.LoadTrain(dataset), Math.Min(parse.GetValue(samples), 60_000), csv);
                var bytes = new FileInfo(csv).Length;
                Print(console, Figure("file_copy", bytes, UploadParityRun.Time(() => File.Copy(csv, csv + ".copy"))));

                await using var devnet = await Cli.Devnet.Devnet.StartAsync(new DevnetOptions
                {
                    DataDirectory = Path.Combine(folder, "devnet"), Nodes = 0, DatasetDirectory = dataset,
                }, cancellation);
                using var client = devnet.CreatorClient();
                var clock = Stopwatch.StartNew();
                var view = await client.UploadDatasetAsync(csv, new DatasetUploadStart("bench", "csv", 0, "", Shards: parse.GetValue(shards)),
                    cancellation: cancellation);
                Print(console, Figure("upload", bytes, clock.Elapsed.TotalSeconds));

                var measured = await ShardThroughput.MeasureAsync(client, view.Manifest, Path.Combine(folder, "devnet"), folder, cancellation);
                Print(console, Figure("shard_download", measured.Bytes, measured.DownloadSeconds));
                Print(console, Figure("shard_file_copy", measured.Bytes, measured.CopySeconds));
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
            return SwarmApp.Success;
        });
        return command;
    }

    private static object Figure(string what, long bytes, double seconds) => new
    {
        bench = "upload", figure = what, bytes, seconds = Math.Round(seconds, 4), mb_per_s = Math.Round(bytes / 1e6 / Math.Max(seconds, 1e-9), 1),
    };

    private static void Print(Spectre.Console.IAnsiConsole console, object figure) =>
        console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(figure));
}
