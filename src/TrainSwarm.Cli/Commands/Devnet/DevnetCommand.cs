using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;
using TrainSwarm.Client.Invoices;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Devnet;

/// <summary>
/// `swarm devnet`: a whole network on this machine (coordinator, validator, N nodes as separate processes on
/// 127.0.0.1), a creator, and one Fashion-MNIST job run to the end with round-by-round progress.
/// </summary>
public static class DevnetCommand
{
    /// <summary>Builds the `devnet` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var nodes = CommonOptions.Positive("--nodes", "Trainer nodes to start", 3);
        var rounds = CommonOptions.Positive("--rounds", "Rounds of the demo job", 5);
        var validators = CommonOptions.Positive("--validators", "Validator processes to start; with more than one, each round needs a majority of " +
            "them to post the same result", 1);
        validators.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() > JobSpec.MaxValidators)
                r.AddError($"--validators must be at most {JobSpec.MaxValidators}");
        });
        var preset = new Option<string>("--preset")
        {
            Description = "Model preset: cnn or mlp, cartpole (an rl job: PPO on CartPole-v1 until a mean return of 475; 20 rounds unless --rounds) " +
                "or lm (gpt-tiny pre-trained on the fortunes corpus with DiLoCo; 4 rounds unless --rounds) or grpo (GRPO fine-tuning of a small " +
                "GPT on 2-digit arithmetic, scored by held-out exact match; 2 rounds unless --rounds, --inner-steps GRPO steps a round, 25 unless set)",
            DefaultValueFactory = _ => "cnn",
        };
        preset.AcceptOnlyFromAmong([.. ModelPresets.Names, RlDemoJob.Preset, LmDemoJob.Preset, GrpoDemoJob.Preset]);
        var innerSteps = CommonOptions.Positive("--inner-steps", "H: steps each node trains per round", 100);
        var pretrainSteps = CommonOptions.Positive("--pretrain-steps", "grpo: supervised pre-training steps of the initial model at submit", 1500);
        var encoding = new Option<string>("--encoding") { Description = "Update encoding the nodes upload: f32 or int8", DefaultValueFactory = _ => "f32" };
        encoding.AcceptOnlyFromAmong([.. DeltaCodec.Encodings]);
        var keep = new Option<bool>("--keep") { Description = "Leave the network running after the job and print its address" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Folder for keys, logs, state and the model (default: a new folder under " +
            "~/.trainswarm/devnet)" };
        var datasetDir = new Option<string?>("--dataset-dir") { Description = "Folder holding the Fashion-MNIST IDX files (default: found or " +
            "installed automatically)" };
        var device = new Option<string?>("--device")
        {
            Description = $"{Cuda.Selection.DeviceRequest.Syntax} for every node and validator (default: theirs, auto)",
        };
        device.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } d && !Cuda.Selection.DeviceRequest.TryParse(d, out _, out var error)) r.AddError(error);
        });
        var replayShare = new Option<int?>("--replay-share-bps")
        {
            Description = "cnn and mlp jobs: the share of committed segments the validators replay, in basis points (the job's replayShareBps; " +
                $"default {JobSpec.DefaultReplayShareBps}); 10000 replays every segment of every update, so the replay path surely runs",
        };
        replayShare.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } bps && bps is < 0 or > 10_000) r.AddError("--replay-share-bps must be between 0 and 10000");
        });
        var postgres = new Option<bool>("--postgres") { Description = "Keep the state in a private PostgreSQL (initdb into a temp folder, " +
            "removed at the end) served by two coordinator replicas; nodes and validators are spread over both" };
        var command = new Command("devnet", "Run a whole network on this machine and train one job end to end.\n" +
            "Example: swarm devnet --nodes 3 --rounds 5 --preset cnn")
        {
            nodes, rounds, validators, preset, innerSteps, pretrainSteps, encoding, keep, dataDir, datasetDir, device, replayShare, postgres,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var rl = parse.GetValue(preset) == RlDemoJob.Preset;
            var lm = parse.GetValue(preset) == LmDemoJob.Preset;
            var grpo = parse.GetValue(preset) == GrpoDemoJob.Preset;
            // An rl job needs no dataset; an lm job reads the fortunes corpus, checked before any process starts.
            if (lm && Daemons.LmRoundSpecs.Unavailable(LmJobSpec.Fortunes) is { } missing)
                throw new CliException(missing);
            var dataset = rl || lm || grpo ? null : await DatasetSetup.FashionMnistAsync(console, parse.GetValue(datasetDir), cancellation);
            var folder = Path.GetFullPath(parse.GetValue(dataDir) ?? Path.Combine(
                Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".trainswarm", "devnet", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss",
                    CultureInfo.InvariantCulture)));
            var nodeCount = parse.GetValue(nodes);
            var validatorCount = parse.GetValue(validators);
            console.MarkupLine($"starting a devnet in [bold]{Markup.Escape(folder)}[/]: a coordinator, " +
                (validatorCount == 1 ? "a validator" : $"{validatorCount} validators") + $" and {nodeCount} nodes (logs in logs/)");
            // Declared first, disposed last: the replicas stop before their database does.
            await using var database = parse.GetValue(postgres) ? await PrivatePostgres.StartAsync(cancellation) : null;
            if (database is not null)
                console.MarkupLine($"private PostgreSQL started ({Markup.Escape(database.Connection)}); two coordinator replicas share it");
            await using var devnet = await Cli.Devnet.Devnet.StartAsync(new DevnetOptions
            {
                DataDirectory = folder, Nodes = nodeCount, DatasetDirectory = dataset, Encoding = parse.GetValue(encoding)!, Validators = validatorCount,
                Device = parse.GetValue(device), Database = database?.Connection, Replicas = database is null ? 1 : 2,
            }, cancellation);
            console.MarkupLine($"coordinator at {devnet.Url} (dashboard in a browser: {devnet.Url}), {nodeCount} nodes registered");
            if (devnet.Urls.Count > 1)
                console.MarkupLine($"replicas: {string.Join(", ", devnet.Urls.Select((u, i) => $"{Cli.Devnet.Devnet.ReplicaName(i)} {u}"))}; " +
                    $"nodes {string.Join(", ", Enumerable.Range(1, nodeCount).Select(n =>
                        $"node-{n}→{Cli.Devnet.Devnet.ReplicaName(devnet.ReplicaOfNode(n))}"))}, " +
                    $"validator→{Cli.Devnet.Devnet.ReplicaName(devnet.ReplicaOfValidator(1))}; the job is submitted through {devnet.Url}");

            using var creator = devnet.CreatorClient();
            if (rl)
                return await RlDevnet.RunAsync(console, devnet, creator, parse.GetResult(rounds) is { Implicit: false } ? parse.GetValue(rounds) : 20,
                    nodeCount, validatorCount, folder, parse.GetValue(keep), cancellation);
            if (lm)
                return await LmDevnet.RunAsync(console, devnet, creator, parse.GetResult(rounds) is { Implicit: false } ? parse.GetValue(rounds) : 4,
                    nodeCount, parse.GetValue(innerSteps), validatorCount, folder, parse.GetValue(keep), cancellation);
            if (grpo)
                return await GrpoDevnet.RunAsync(console, devnet, creator, parse.GetResult(rounds) is { Implicit: false } ? parse.GetValue(rounds) : 2,
                    nodeCount, parse.GetResult(innerSteps) is { Implicit: false } ? parse.GetValue(innerSteps) : 25, parse.GetValue(pretrainSteps),
                    validatorCount, folder, parse.GetValue(keep), cancellation);
            var spec = DemoJob.Spec(parse.GetValue(preset)!, parse.GetValue(rounds), nodeCount, parse.GetValue(innerSteps)) with
            {
                Validators = validatorCount > 1 ? validatorCount : null, ReplayShareBps = parse.GetValue(replayShare),
            };
            var job = await creator.SubmitJobAsync(spec, cancellation: cancellation);
            console.MarkupLine($"job [bold]{job.Id}[/] submitted: {spec.Model} on fashion-mnist, {spec.Rounds} rounds × {nodeCount} nodes × " +
                $"H={spec.InnerSteps}, fedavg");

            job = await JobProgress.FollowAsync(console, creator, job, cancellation);
            var roundsDone = await creator.JobRoundsAsync(job.Id, cancellation);
            JobProgress.RenderSummary(console, roundsDone);

            var modelPath = Path.Combine(folder, "model.safetensors");
            var bytes = await creator.DownloadModelAsync(job.Id, cancellation);
            await File.WriteAllBytesAsync(modelPath, bytes, cancellation);
            var model = ModelBuilder.Build(spec.Model, spec.Layers, 0);
            ModuleWeights.Import(model, SafeTensorsReader.Read(bytes));
            var test = FashionMnist.LoadTest(dataset!);
            var accuracy = Evaluator.Evaluate(model, test).Accuracy;
            console.MarkupLine($"job {job.Status.ToString().ToLowerInvariant()}: {Markup.Escape(job.StatusReason ?? "")}");
            console.MarkupLine($"final test accuracy [bold]{accuracy:P2}[/] ({test.Count:N0} test images, evaluated here by the engine)");
            console.MarkupLine($"model: {Markup.Escape(modelPath)}");

            // The bill: every round's payouts and fees, and the unspent budget back in the creator's wallet.
            var balanced = await DevnetEnding.InvoiceAsync(console, creator, job.Id, cancellation);
            await DevnetEnding.KeepAsync(console, devnet, parse.GetValue(keep), cancellation);
            return job.Status == JobStatus.Completed && balanced ? SwarmApp.Success : SwarmApp.Failure;
        });
        return command;
    }
}
