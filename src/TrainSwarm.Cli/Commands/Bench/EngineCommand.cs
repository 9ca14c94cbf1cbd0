using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using TrainSwarm.Bench;
using TrainSwarm.Learning.Models;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>`swarm bench engine`: training throughput and accuracy on Fashion-MNIST, optionally beside the PyTorch anchor.</summary>
public static class EngineCommand
{
    /// <summary>Builds the `bench engine` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var model = new Option<string>("--model") { Description = "mlp or cnn", DefaultValueFactory = _ => "mlp" };
        model.AcceptOnlyFromAmong([.. ModelPresets.Names]);
        var epochs = CommonOptions.Positive("--epochs", "Passes over the training set", 1);
        var batch = CommonOptions.Positive("--batch", "Samples per step", 64);
        var threads = CommonOptions.Positive("--threads", "Compute threads", 2);
        var limit = CommonOptions.Positive("--limit", "Train on the first N samples", 60000);
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory holding the Fashion-MNIST files" };
        var reference = new Option<bool>("--reference") { Description = "Also run ../shared/anchors/pytorch_fmnist.py with the same settings and " +
            "print the ratio" };
        var python = new Option<string>("--python") { Description = "Interpreter with torch for --reference", DefaultValueFactory = _ =>
            PyTorchReference.DefaultPython };

        var device = DeviceOption.Create("auto trains on the GPU when the NVIDIA driver and a device are found (the same result line, " +
            "framework suffixed -cuda)");
        var command = new Command("engine", "Training throughput of the engine.\nExample: swarm bench engine --model cnn --threads 2 --reference")
        {
            model, epochs, batch, threads, limit, dataDir, reference, python, device,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var options = new EngineBenchOptions(parse.GetValue(model)!, parse.GetValue(epochs), parse.GetValue(batch),
                parse.GetValue(threads), parse.GetValue(limit), DataDir: parse.GetValue(dataDir));
            string? script = null;
            if (parse.GetValue(reference))
                script = PyTorchReference.FindScript() ?? throw new CliException("--reference: shared/anchors/pytorch_fmnist.py not found beside the " +
                    "repository");

            // stdout carries only the JSON lines (a benchmark's contract); the device line goes with the engine's, to stderr.
            var gpu = DeviceOption.Select(Console.Error.WriteLine, DeviceOption.Request(parse.GetValue(device))).Gpu;
            if (gpu is not null && script is not null)
                throw new CliException("--reference compares the CPU engine with PyTorch on the CPU; use --device cpu, or swarm bench gpu --reference");
            var ours = gpu is null
                ? await EngineBenchmark.RunAsync(options, cancellation)
                : await TrainSwarm.Bench.Gpu.GpuEngineBenchmark.RunAsync(gpu, options, cancellation);
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(ours));
            if (script is null) return SwarmApp.Success;

            var theirs = await PyTorchReference.RunAsync(script, options, parse.GetValue(python)!, cancellation);
            console.Profile.Out.Writer.WriteLine(theirs.GetRawText());
            double ratio = ours.TrainSamplesPerSecond / theirs.GetProperty("train_samples_per_s").GetDouble();
            console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["figure"] = "throughput_ratio_vs_pytorch",
                ["model"] = options.Model,
                ["threads"] = options.Threads,
                ["ratio"] = Math.Round(ratio, 3),
                ["ours_test_acc"] = ours.TestAccuracy,
                ["pytorch_test_acc"] = theirs.GetProperty("test_acc").GetDouble(),
            }));
            return SwarmApp.Success;
        });
        return command;
    }
}
