using System.Diagnostics;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>What one parity run is asked for: the first <paramref name="Samples"/> Fashion-MNIST training images, 3 nodes.</summary>
public sealed record UploadParityOptions(string DatasetDirectory, string Folder, int Samples, int Rounds, int InnerSteps, ulong Seed);

/// <summary>One job's outcome: its final model blob (content-addressed, so equal ids are equal bytes) and its accuracies.</summary>
/// <param name="Source">fashion-mnist (named), csv or png-zip.</param>
/// <param name="TestAccuracy">The final model on Fashion-MNIST's 10,000 test images, evaluated here.</param>
/// <param name="HoldoutAccuracy">The validator's holdout accuracy of the last round.</param>
/// <param name="FileBytes">The uploaded file's size (0 for the named run).</param>
/// <param name="UploadSeconds">The upload end to end: hashing, transfer, parsing, splitting.</param>
/// <param name="CopySeconds">A plain copy of the same file on the same disk.</param>
public sealed record ParityJob(string Source, string ModelBlob, double TestAccuracy, double HoldoutAccuracy, long FileBytes, double UploadSeconds,
    double CopySeconds);

/// <summary>The three jobs and, for the CSV upload's shards, their download against a plain copy of their blob files.</summary>
public sealed record UploadParityResult(ParityJob Named, ParityJob Csv, ParityJob PngZip, ShardThroughput Shards);

/// <summary>
/// The core of `swarm bench upload-parity`: one devnet (real coordinator, validator, three nodes serving fashion-mnist and
/// uploads), the same job run on the named dataset cut to its first N samples (`firstSamples`), on those N samples uploaded
/// as an image CSV and as a PNG zip (both with the job's seed as their split seed). Same samples, same order, same split,
/// same seed: the three final models must be the same bytes.
/// </summary>
public static class UploadParityRun
{
    /// <summary>Runs the three jobs.</summary>
    public static async Task<UploadParityResult> RunAsync(UploadParityOptions options, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(options);
        var train = FashionMnist.LoadTrain(options.DatasetDirectory);
        var test = FashionMnist.LoadTest(options.DatasetDirectory);
        Directory.CreateDirectory(options.Folder);
        var csv = Path.Combine(options.Folder, "fmnist.csv");
        var zip = Path.Combine(options.Folder, "fmnist.zip");
        UploadFiles.WriteCsv(train, options.Samples, csv);
        UploadFiles.WritePngZip(train, options.Samples, zip);

        var devnetFolder = Path.Combine(options.Folder, "devnet");
        await using var devnet = await Cli.Devnet.Devnet.StartAsync(new DevnetOptions
        {
            DataDirectory = devnetFolder, Nodes = 3, DatasetDirectory = options.DatasetDirectory,
            NodeArgs = ["--dataset", FashionMnist.Entry.Name + "," + DatasetIds.UploadedName],
        }, cancellation);
        using var client = devnet.CreatorClient();
        var spec = new JobSpec
        {
            Name = "upload-parity", Model = "mlp", Rounds = options.Rounds, MinNodes = 3, MaxNodes = 3, InnerSteps = options.InnerSteps,
            BatchSize = 32, LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9, Strategy = "fedavg", OpenSeconds = 20, TrainSeconds = 600,
            Seed = options.Seed,
        };
        var named = await RunJobAsync(client, spec with { Dataset = FashionMnist.Entry.Name, FirstSamples = options.Samples }, test, cancellation);
        named = named with { Source = FashionMnist.Entry.Name };
        var (csvJob, csvManifest) = await UploadAndRunAsync(client, spec, csv, "csv", test, cancellation);
        var (pngJob, _) = await UploadAndRunAsync(client, spec, zip, "png-zip", test, cancellation);
        var shards = await ShardThroughput.MeasureAsync(client, csvManifest, devnetFolder, options.Folder, cancellation);
        return new UploadParityResult(named, csvJob, pngJob, shards);
    }

    private static async Task<(ParityJob, DatasetManifest)> UploadAndRunAsync(SwarmClient client, JobSpec spec, string file, string format,
        LabeledImages test, CancellationToken cancellation)
    {
        var copySeconds = Time(() => File.Copy(file, file + ".copy"));
        var clock = Stopwatch.StartNew();
        var view = await client.UploadDatasetAsync(file, new DatasetUploadStart(format, format, 0, "", Shards: 3, SplitSeed: spec.Seed),
            cancellation: cancellation);
        var uploadSeconds = clock.Elapsed.TotalSeconds;
        var job = await RunJobAsync(client, spec with { Dataset = view.Manifest.Id }, test, cancellation);
        return (job with { Source = format, FileBytes = new FileInfo(file).Length, UploadSeconds = uploadSeconds, CopySeconds = copySeconds },
            view.Manifest);
    }

    private static async Task<ParityJob> RunJobAsync(SwarmClient client, JobSpec spec, LabeledImages test, CancellationToken cancellation)
    {
        var job = await client.SubmitJobAsync(spec, cancellation: cancellation);
        while (job.Status == JobStatus.Running)
        {
            await Task.Delay(250, cancellation);
            job = await client.JobAsync(job.Id, cancellation);
        }
        if (job.Status != JobStatus.Completed)
            throw new InvalidOperationException($"job {job.Id} on {spec.Dataset} ended {job.Status}: {job.StatusReason}");
        var last = (await client.JobRoundsAsync(job.Id, cancellation)).Where(r => r.Metrics is not null).MaxBy(r => r.Index)
            ?? throw new InvalidOperationException($"job {job.Id} finished no round");
        var model = ModelBuilder.Build(spec.Model, spec.Layers, spec.Seed);
        ModuleWeights.Import(model, SafeTensorsReader.Read(await client.GetBlobAsync(job.ModelBlob, cancellation)));
        var accuracy = Evaluator.Evaluate(model, test).Accuracy;
        return new ParityJob(spec.Dataset, job.ModelBlob, accuracy, last.Metrics!.HoldoutAccuracy, 0, 0, 0);
    }

    internal static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }
}
