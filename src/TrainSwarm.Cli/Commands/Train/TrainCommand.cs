using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Cuda.Selection;
using TrainSwarm.Cuda.Training;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Cli.Commands.Train;

/// <summary>`swarm train`: trains a reference model locally, shows progress, reports test accuracy and saves the weights.</summary>
public static class TrainCommand
{
    /// <summary>Builds the `train` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var model = new Option<string>("--model") { Description = "Model preset: mlp or cnn", DefaultValueFactory = _ => "mlp" };
        model.AcceptOnlyFromAmong([.. ModelPresets.Names]);
        var dataset = new Option<string>("--dataset") { Description = "Named dataset", DefaultValueFactory = _ => "fashion-mnist" };
        dataset.AcceptOnlyFromAmong([.. DatasetCatalog.All.Select(d => d.Name)]);
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory holding the dataset files (default: known install paths, then the cache)" };
        var download = new Option<bool>("--download") { Description = "Download the dataset (SHA-256 checked) if it is not found locally" };
        var epochs = CommonOptions.Positive("--epochs", "Passes over the training set", 1);
        var batch = CommonOptions.Positive("--batch", "Samples per step", 64);
        var lr = new Option<float>("--lr") { Description = "Learning rate", DefaultValueFactory = _ => 1e-3f };
        lr.Validators.Add(r => { if (r.GetValueOrDefault<float>() is <= 0 or float.NaN) r.AddError("--lr must be positive"); });
        var optimizer = new Option<string>("--optimizer") { Description = "adam, adamw or sgd (momentum 0.9)", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong("adam", "adamw", "sgd");
        var seed = new Option<ulong>("--seed") { Description = "Seed for initialization and shuffling", DefaultValueFactory = _ => 0 };
        var threads = CommonOptions.Positive("--threads", "Compute threads", Environment.ProcessorCount);
        var limit = CommonOptions.Positive("--limit", "Train on the first N samples only", 60000);
        var output = new Option<string?>("--out") { Description = "Where to save the trained weights (safetensors)" };
        var preset = new Option<string?>("--preset")
        {
            Description = "Train a preset instead: cartpole (PPO on CartPole-v1), gpt-tiny or gpt-small (next-token prediction on the fortunes " +
                "corpus), grpo (pre-training on arithmetic, then GRPO with verifiable rewards)",
        };
        preset.AcceptOnlyFromAmong([.. RlPresetTraining.Presets, .. LmPresetTraining.Presets, GrpoPresetTraining.Preset]);
        var timesteps = new Option<long>("--timesteps") { Description = "Environment steps budget for --preset", DefaultValueFactory = _ => 100_000 };
        timesteps.Validators.Add(r => { if (r.GetValueOrDefault<long>() < 1) r.AddError("--timesteps must be at least 1"); });

        var steps = CommonOptions.Positive("--steps", "Optimizer steps for a gpt preset", 2000);
        var seqLen = new Option<int?>("--seq-len") { Description = "Sequence length for a gpt preset (default: the model's context)" };
        var evalEvery = CommonOptions.Positive("--eval-every", "Held-out evaluation every N steps for a gpt preset", 100);
        var corpusDir = new Option<string?>("--corpus-dir")
        {
            Description = "Directory of fortune files for a gpt preset (default: /usr/share/games/fortunes)",
        };
        var tokenizer = new Option<string>("--tokenizer")
        {
            Description = "Tokenizer for a gpt preset: byte (256 bytes + <|endoftext|>) or bpe (byte-level BPE trained on the training fortunes)",
            DefaultValueFactory = _ => "byte",
        };
        tokenizer.AcceptOnlyFromAmong("byte", "bpe");
        var vocab = CommonOptions.Positive("--vocab", "Vocabulary size for --tokenizer bpe (at least 257)", 512);
        vocab.Validators.Add(r => { if (r.GetValueOrDefault<int>() < Learning.Text.ByteTokenizer.VocabSize) r.AddError("--vocab must be at least 257"); });
        var rounds = CommonOptions.Positive("--rounds", "GRPO rounds for --preset grpo (default 1; --steps sets the steps per round)", 1);
        var pretrainSteps = CommonOptions.Positive("--pretrain-steps", "Supervised pre-training steps for --preset grpo", 1500);
        var digits = CommonOptions.Positive("--digits", "Difficulty for --preset grpo: operands of up to N digits (1 to 6)", 2);
        digits.Validators.Add(r => { if (r.GetValueOrDefault<int>() > 6) r.AddError("--digits must be 1 to 6"); });
        var temperature = new Option<double?>("--temperature") { Description = "GRPO sampling temperature for --preset grpo (default 0.7)" };
        temperature.Validators.Add(r => { if (r.GetValueOrDefault<double?>() is { } t && !(t > 0)) r.AddError("--temperature must be positive"); });
        var device = DeviceOption.Create("auto trains on the GPU when the NVIDIA driver and a device are found (mlp or cnn with adam or sgd)");
        var command = new Command("train", "Train a reference model on this machine.\nExample: swarm train --model cnn --epochs 1 --out cnn.safetensors\n" +
            "Example: swarm train --preset cartpole --seed 0\nExample: swarm train --preset gpt-tiny --steps 2000 --out tiny.safetensors\n" +
            "Example: swarm train --preset grpo --rounds 4 --steps 10")
        {
            model, dataset, dataDir, download, epochs, batch, lr, optimizer, seed, threads, limit, output, preset, timesteps,
            steps, seqLen, evalEvery, corpusDir, tokenizer, vocab, rounds, pretrainSteps, digits, temperature, device,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            Engine.Threads = parse.GetValue(threads);
            if (parse.GetValue(preset) is { } lmPreset && LmPresetTraining.Presets.Contains(lmPreset))
            {
                var given = parse.GetResult(batch) is { Implicit: false } ? parse.GetValue(batch) : (int?)null;
                var givenLr = parse.GetResult(lr) is { Implicit: false } ? (double)parse.GetValue(lr) : (double?)null;
                return LmPresetTraining.Run(console, new LmPresetTraining.Options(lmPreset, parse.GetValue(seed), parse.GetValue(steps), given,
                    parse.GetValue(seqLen), givenLr, parse.GetValue(evalEvery), parse.GetValue(output), parse.GetValue(corpusDir),
                    parse.GetValue(tokenizer)!, parse.GetValue(vocab)), cancellation);
            }
            if (parse.GetValue(preset) == GrpoPresetTraining.Preset)
            {
                int? Given(System.CommandLine.Option<int> option) => parse.GetResult(option) is { Implicit: false } ? parse.GetValue(option) : null;
                var givenLr = parse.GetResult(lr) is { Implicit: false } ? (double)parse.GetValue(lr) : (double?)null;
                return GrpoPresetTraining.Run(console, new GrpoPresetTraining.Options(parse.GetValue(seed), Given(steps), Given(rounds),
                    Given(pretrainSteps), Given(digits), givenLr, parse.GetValue(temperature), parse.GetValue(output)), cancellation);
            }
            if (parse.GetValue(preset) is { } rlPreset)
                return RlPresetTraining.Run(console, rlPreset, parse.GetValue(seed), parse.GetValue(timesteps), parse.GetValue(output), cancellation);
            string modelName = parse.GetValue(model)!;
            LabeledImages train, test;
            try
            {
                (train, test) = await CatalogData.LoadAsync(new DatasetLocator(log: line => console.MarkupLine($"[grey]{Markup.Escape(line)}[/]")),
                    DatasetCatalog.Get(parse.GetValue(dataset)!), parse.GetValue(dataDir), parse.GetValue(download), cancellation);
            }
            catch (Exception e) when (e is DataFormatException or FileNotFoundException or DirectoryNotFoundException or IOException)
            {
                throw new CliException(e.Message);
            }
            if (parse.GetValue(limit) < train.Count) train = train.Slice(0, parse.GetValue(limit));

            ulong seedValue = parse.GetValue(seed);
            // The preset ends in the dataset's classes (47 for EMNIST balanced, 100 for CIFAR-100); its input must be the data's.
            var net = ModelPresets.Create(modelName, seedValue, train.Classes);
            try
            {
                ModelBuilder.CheckFits(net, [train.Channels, train.Height, train.Width], train.Classes);
            }
            catch (FormatException e)
            {
                throw new CliException($"--model {modelName} does not fit {parse.GetValue(dataset)}: {e.Message}");
            }
            var opt = CreateOptimizer(parse.GetValue(optimizer)!, net.Parameters(), parse.GetValue(lr));
            var loader = new MiniBatchLoader(train, parse.GetValue(batch), seedValue);
            if (loader.BatchesPerEpoch == 0) throw new CliException($"--batch {parse.GetValue(batch)} is larger than the {train.Count} training samples");
            var trainer = new Trainer(net, opt, loader, train);
            int epochCount = parse.GetValue(epochs);
            var gpu = ChooseGpu(console, DeviceOption.Request(parse.GetValue(device)), modelName, parse.GetValue(optimizer)!, train.Classes);

            console.MarkupLine($"Training [bold]{modelName}[/] ({net.ParameterCount:N0} parameters) on {train.Count:N0} samples, " +
                               $"{epochCount} epoch(s), batch {loader.BatchSize}, " +
                               (gpu is null ? $"{Engine.Threads} thread(s), GEMM: {Engine.BlasName}" : $"{Markup.Escape(gpu.Kind)}, GEMM: cuBLAS"));
            TrainResult result = default;
            await console.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .StartAsync(ctx =>
                {
                    var task = ctx.AddTask("starting", maxValue: (double)epochCount * loader.BatchesPerEpoch);
                    if (gpu is not null)
                    {
                        var clock = System.Diagnostics.Stopwatch.StartNew();
                        result = GpuPresetTraining.Run(gpu, modelName, net, parse.GetValue(optimizer)!, parse.GetValue(lr), loader, train, epochCount,
                            (steps, loss) =>
                        {
                            task.Value = steps;
                            task.Description = $"loss {loss:F4}  {steps * loader.BatchSize / clock.Elapsed.TotalSeconds:N0} samples/s";
                        }, cancellation);
                        task.Value = task.MaxValue;
                        return Task.CompletedTask;
                    }
                    result = trainer.Run(epochCount, step =>
                    {
                        task.Value = step.Steps;
                        if (step.Steps % 20 == 0)
                            task.Description = $"epoch {step.Epoch + 1}/{epochCount}  loss {step.Loss:F4}  {step.SamplesPerSecond:N0} samples/s";
                    }, cancellation);
                    task.Value = task.MaxValue;
                    return Task.CompletedTask;
                });

            var eval = Evaluator.Evaluate(net, test);
            console.MarkupLine($"Trained {result.Samples:N0} samples in {result.Elapsed.TotalSeconds:F1} s ({result.SamplesPerSecond:N0} samples/s), " +
                $"final loss {result.LastLoss:F4}");
            console.MarkupLine($"Test accuracy: [bold]{eval.Accuracy:P2}[/] on {eval.Samples:N0} samples (loss {eval.Loss:F4})");
            if (parse.GetValue(output) is { } path)
            {
                ModuleWeights.Save(net, path, new Dictionary<string, string>
                {
                    ["model"] = modelName, ["dataset"] = parse.GetValue(dataset)!, ["seed"] = seedValue.ToString(),
                    ["test_accuracy"] = eval.Accuracy.ToString("F4", System.Globalization.CultureInfo.InvariantCulture),
                });
                console.MarkupLine($"Saved weights to [bold]{Markup.Escape(path)}[/]");
            }
            return SwarmApp.Success;
        });
        return command;
    }

    /// <summary>The GPU to train on, or null for the CPU engine; `cuda` that cannot be served is a one-line error.</summary>
    private static GpuInfo? ChooseGpu(IAnsiConsole console, DeviceRequest request, string model, string optimizer, int classes)
    {
        bool supported = GpuTrainers.Supports(model, optimizer);
        if (request.Kind == DeviceRequestKind.Cuda && !supported)
            throw new CliException($"--device {request}: the CUDA backend trains the mlp and cnn presets with adam or sgd, not {model} with {optimizer}; " +
                "use --device cpu");
        // The CUDA presets are the 10-class ones.
        bool fits = classes == ModelPresets.DefaultClasses;
        if (request.Kind == DeviceRequestKind.Cuda && !fits)
            throw new CliException($"--device {request}: the CUDA presets end in {ModelPresets.DefaultClasses} outputs, not {classes}; use --device cpu");
        var choice = DeviceOption.Select(console, request);
        if (choice.Gpu is null || (supported && fits)) return choice.Gpu;
        DeviceOption.Log(console, supported
            ? $"device: cpu ({classes} classes have no CUDA path yet)"
            : $"device: cpu ({model} with {optimizer} has no CUDA path yet)");
        return null;
    }

    private static Optimizer CreateOptimizer(string name, IReadOnlyList<Tensor> parameters, float lr) => name switch
    {
        "adam" => new Adam(parameters, lr),
        "adamw" => new AdamW(parameters, lr),
        "sgd" => new Sgd(parameters, lr, momentum: 0.9f),
        _ => throw new CliException($"unknown optimizer '{name}'", SwarmApp.BadUsage),
    };
}
