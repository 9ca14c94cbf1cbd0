using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using TrainSwarm.Bench.Gpu;
using TrainSwarm.Cuda.Selection;
using TrainSwarm.Cuda.Training;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>`swarm bench gpu`: the CUDA backend's correctness against the CPU engine, its run-to-run bitwise check, and its speed beside PyTorch.</summary>
public static class GpuCommand
{
    /// <summary>Builds the `bench gpu` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var batches = new Option<string>("--batches") { Description = "Batch sizes to time, comma-separated", DefaultValueFactory = _ => "64,512" };
        batches.Validators.Add(r =>
        {
            if (ParseBatches(r.GetValueOrDefault<string>()) is null) r.AddError("--batches must be positive integers separated by commas, e.g. 64,512");
        });
        var steps = CommonOptions.Positive("--steps", "Timed training steps per batch size (after 50 warm-up steps)", 2000);
        var reference = new Option<bool>("--reference") { Description = "Also time tools/bench/pytorch_gpu_train.py (PyTorch eager, same model and batch)" };
        var dataDir = new Option<string?>("--dataset-dir") { Description = "Fashion-MNIST folder: also train one real epoch on the CPU and the GPU" };
        var models = new Option<string>("--models") { Description = "Presets to measure, comma-separated: mlp, cnn", DefaultValueFactory = _ => "mlp,cnn" };
        models.Validators.Add(r =>
        {
            if (ParseModels(r.GetValueOrDefault<string>()) is null)
                r.AddError($"--models must list presets of {string.Join(", ", GpuTrainers.Models)}, e.g. mlp,cnn");
        });
        var python = new Option<string>("--python") { Description = "Interpreter with CUDA torch for --reference", DefaultValueFactory = _ => "python3" };
        var command = new Command("gpu", "Train the mlp and cnn presets on the GPU: weights against the CPU engine, two runs compared bitwise, samples/s " +
            "(TF32 off, then on) beside PyTorch, and the GEMM rate; one JSON line per figure. Needs an NVIDIA GPU.\n" +
            "Example: swarm bench gpu --reference --steps 2000")
        {
            batches, models, steps, reference, python, dataDir,
        };
        command.SetAction(parse =>
        {
            string? script = null;
            if (parse.GetValue(reference))
                script = PyTorchGpuReference.FindScript() ?? throw new CliException("--reference: tools/bench/pytorch_gpu_train.py not found");
            var options = new GpuBenchOptions(ParseBatches(parse.GetValue(batches))!, parse.GetValue(steps), 0, script is not null,
                parse.GetValue(python)!, script, FashionMnistDir: parse.GetValue(dataDir), Models: ParseModels(parse.GetValue(models)));
            var output = console.Profile.Out.Writer;
            try
            {
                GpuBenchmark.Run(options, line => output.WriteLine(JsonSerializer.Serialize(line)), output.WriteLine);
            }
            catch (DeviceUnavailableException e)
            {
                throw new CliException(e.Message);
            }
            return SwarmApp.Success;
        });
        return command;
    }

    private static string[]? ParseModels(string? text)
    {
        var names = (text ?? "").Split(',', StringSplitOptions.TrimEntries);
        return names.All(GpuTrainers.Models.Contains) ? names : null;
    }

    private static int[]? ParseBatches(string? text)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.TrimEntries);
        var values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1) return null;
        return values;
    }
}
