using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Tensors;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>
/// `swarm bench swarm`: the swarm's own figures, from real devnets on this machine: time to a target test accuracy
/// with N nodes against one process training the same number of samples; coordination overhead per round; bytes
/// uploaded per node and round against what step-by-step synchronous training would send.
/// </summary>
public static class SwarmCommand
{
    /// <summary>Builds the `bench swarm` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var preset = new Option<string>("--preset") { Description = "Model preset", DefaultValueFactory = _ => "cnn" };
        preset.AcceptOnlyFromAmong([.. ModelPresets.Names]);
        var nodes = CommonOptions.Positive("--nodes", "Trainer nodes", 3);
        var innerSteps = CommonOptions.Positive("--inner-steps", "H: steps per node per round", 100);
        var target = new Option<double>("--target") { Description = "Test accuracy to reach", DefaultValueFactory = _ => 0.85 };
        var maxRounds = CommonOptions.Positive("--max-rounds", "Give up after this many rounds", 40);
        var dataDir = new Option<string?>("--dataset-dir") { Description = "Folder holding the Fashion-MNIST IDX files" };
        var nodeCpus = new Option<string?>("--node-cpus") { Description = "Cores the nodes run on (taskset -c list, e.g. 0); default any" };
        var serviceCpus = new Option<string?>("--service-cpus") { Description = "Cores the coordinator and validator run on (taskset -c list); default any" };
        var device = new Option<string?>("--device") { Description = "auto|cpu|cuda[:N] for the nodes and validator (default auto: a GPU if there is one)" };
        var command = new Command("swarm", "Time to a target accuracy with N nodes vs one process, coordination overhead, upload bytes.\nExample: " +
            "swarm bench swarm --preset cnn --nodes 3")
        {
            preset, nodes, innerSteps, target, maxRounds, dataDir, nodeCpus, serviceCpus, device,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var dataset = await DatasetSetup.FashionMnistAsync(console, parse.GetValue(dataDir), cancellation);
            var model = parse.GetValue(preset)!;
            var h = parse.GetValue(innerSteps);
            var n = parse.GetValue(nodes);
            var spec = new JobSpec
            {
                Name = "bench", Model = model, Rounds = parse.GetValue(maxRounds), MinNodes = n, MaxNodes = n, InnerSteps = h, BatchSize = 64,
                LearningRate = 0.001, Optimizer = "adam", OpenSeconds = 30, TrainSeconds = 600,
            };
            var pinning = new Pinning(parse.GetValue(nodeCpus), parse.GetValue(serviceCpus), parse.GetValue(device));
            var swarm = await RunToTargetAsync(dataset, spec, n, "f32", parse.GetValue(target), pinning, cancellation);
            Print(console, swarm.TimeToTarget);
            Print(console, SingleProcess(dataset, spec, swarm.Samples));
            Print(console, swarm.Overhead);
            Print(console, swarm.Upload);
            var int8 = await RunToTargetAsync(dataset, spec with { Rounds = 2 }, n, "int8", 2.0, pinning, cancellation);
            Print(console, int8.Upload);
            return SwarmApp.Success;
        });
        return command;
    }

    private sealed record SwarmRun(object TimeToTarget, long Samples, object Overhead, object Upload);

    /// <summary>Runs one job on a fresh devnet until a round's test accuracy reaches <paramref name="target"/> (or the rounds run out).</summary>
    private static async Task<SwarmRun> RunToTargetAsync(string dataset, JobSpec spec, int nodes, string encoding, double target,
        Pinning cpus, CancellationToken cancellation)
    {
        var folder = Path.Combine(Path.GetTempPath(), "trainswarm-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            await using var devnet = await Cli.Devnet.Devnet.StartAsync(new DevnetOptions { DataDirectory = folder, Nodes = nodes,
                DatasetDirectory = dataset, Encoding = encoding, NodeCpus = cpus.Nodes, ServiceCpus = cpus.Services,
                Device = cpus.Device }, cancellation);
            using var client = devnet.CreatorClient();
            var job = await client.SubmitJobAsync(spec, cancellation: cancellation);
            RoundView? reached = null;
            while (reached is null)
            {
                await Task.Delay(250, cancellation);
                var current = await client.JobAsync(job.Id, cancellation);
                var done = (await client.JobRoundsAsync(job.Id, cancellation)).Where(r => r.Metrics is not null).OrderBy(r => r.Index).ToList();
                reached = done.FirstOrDefault(r => r.Metrics!.TestAccuracy >= target);
                if (reached is null && current.Status != JobStatus.Running)
                    reached = done.LastOrDefault() ?? throw new InvalidOperationException($"the job ended without a finished round: {current.StatusReason}");
            }
            if ((await client.JobAsync(job.Id, cancellation)).Status == JobStatus.Running)
                await client.CancelJobAsync(job.Id, cancellation);
            var rounds = (await client.JobRoundsAsync(job.Id, cancellation)).Where(r => r.Metrics is not null && r.Index <= reached.Index).OrderBy(r =>
                r.Index).ToList();
            long samples = 0, uploadBytes = 0;
            var uploads = 0;
            var phases = new List<RoundPhases>();
            foreach (var r in rounds)
            {
                var updates = await client.GetAsync<IReadOnlyList<UpdateSubmission>>(Routes.RoundUpdates(r.Id), cancellation);
                samples += updates.Sum(u => u.Receipt.Samples);
                phases.Add(RoundPhases.Of(r, updates.Max(u => u.Receipt.ComputeSeconds), updates.Select(u => u.Receipt.Device ?? "cpu")));
                foreach (var u in updates)
                {
                    uploadBytes += (await client.GetBlobAsync(u.Receipt.UpdateBlob, cancellation)).Length + SwarmJson.SerializeToUtf8(u).Length;
                    uploads++;
                }
            }
            var modelBytes = (await client.GetBlobAsync(rounds[0].BaseModel, cancellation)).Length;
            var perUpload = (double)uploadBytes / uploads;
            var syncBytes = (double)spec.InnerSteps * modelBytes;
            return new SwarmRun(
                new
                {
                    figure = "swarm_time_to_target", preset = spec.Model, nodes, inner_steps = spec.InnerSteps, target,
                    seconds = Math.Round((reached.DoneAt!.Value - job.CreatedAt).TotalSeconds, 1), rounds = reached.Index + 1, samples,
                    test_accuracy = Math.Round(reached.Metrics!.TestAccuracy, 4),
                },
                samples,
                RoundPhases.Figure(phases, spec.InnerSteps, cpus),
                new
                {
                    figure = "upload_per_node_round", encoding, bytes = Math.Round(perUpload), model_bytes = modelBytes, inner_steps = spec.InnerSteps,
                    synchronous_bytes = syncBytes, reduction = Math.Round(syncBytes / perUpload, 1),
                });
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
    }

    /// <summary>The same model and optimizer (Adam, as the nodes use) trained in one process, on all cores, for <paramref name="samples"/> samples.</summary>
    private static object SingleProcess(string dataset, JobSpec spec, long samples)
    {
        Engine.Threads = Environment.ProcessorCount;
        var train = FashionMnist.LoadTrain(dataset);
        var test = FashionMnist.LoadTest(dataset);
        var model = ModelBuilder.Build(spec.Model, spec.Layers, spec.Seed);
        var optimizer = new Adam(model.Parameters(), (float)spec.LearningRate);
        var steps = (int)(samples / spec.BatchSize);
        var loader = new MiniBatchLoader(train, spec.BatchSize, spec.Seed, maxBatches: Math.Min(steps, train.Count / spec.BatchSize));
        var trainer = new Trainer(model, optimizer, loader, train);
        var clock = Stopwatch.StartNew();
        var epochs = (steps + loader.BatchesPerEpoch - 1) / loader.BatchesPerEpoch;
        var done = 0;
        using (var stop = new CancellationTokenSource())
        {
            try
            {
                trainer.Run(epochs, step => { if (++done >= steps) stop.Cancel(); }, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }
        clock.Stop();
        var accuracy = Evaluator.Evaluate(model, test).Accuracy;
        return new
        {
            figure = "single_process_same_samples", preset = spec.Model, threads = Engine.Threads, samples = trainer.Samples,
            seconds = Math.Round(clock.Elapsed.TotalSeconds, 1), test_accuracy = Math.Round(accuracy, 4),
        };
    }

    private static void Print(IAnsiConsole console, object figure) =>
        console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(figure));
}
