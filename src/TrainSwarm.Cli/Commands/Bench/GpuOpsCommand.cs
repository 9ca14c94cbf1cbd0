using System.CommandLine;
using System.Text.Json;
using TrainSwarm.Bench.Gpu.OpChecks;
using TrainSwarm.Cuda.Selection;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>`swarm bench gpu-ops`: every GPU op against the CPU engine, PyTorch's golden values and finite differences, one JSON line per case.</summary>
public static class GpuOpsCommand
{
    /// <summary>Builds the `bench gpu-ops` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var ops = new Option<string?>("--ops") { Description = $"Ops to check, comma-separated (default: all): {string.Join(", ", OpCases.Ops)}" };
        ops.Validators.Add(r =>
        {
            try
            {
                OpCases.ParseOps(r.GetValueOrDefault<string?>());
            }
            catch (ArgumentException e)
            {
                r.AddError($"--ops: {e.Message}");
            }
        });
        var golden = new Option<string?>("--golden-dir")
        {
            Description = $"Folder of PyTorch's golden values (default: {GoldenSet.RepositoryPath} above the working directory)",
        };
        var command = new Command("gpu-ops", "Check every GPU op (GEMMs, bias + ReLU, softmax cross-entropy, im2col/col2im convolution, max pooling, " +
            "Adam and SGD, whole mlp and cnn steps) against the CPU engine, PyTorch's golden values and finite differences; one JSON line per case. " +
            "Needs an NVIDIA GPU; exits 1 when a case fails.\nExample: swarm bench gpu-ops --ops conv2d,maxpool2d")
        {
            ops, golden,
        };
        command.SetAction(parse =>
        {
            var directory = GoldenSet.Find(parse.GetValue(golden))
                ?? throw new CliException(parse.GetValue(golden) is { } given
                    ? $"--golden-dir: no folder {given}"
                    : $"no golden values found: run from the repository (they are in {GoldenSet.RepositoryPath}) or pass --golden-dir");
            var output = console.Profile.Out.Writer;
            try
            {
                int failed = GpuOpsBenchmark.Run(directory, parse.GetValue(ops), 1, line => output.WriteLine(JsonSerializer.Serialize(line)),
                    output.WriteLine);
                return failed == 0 ? SwarmApp.Success : SwarmApp.Failure;
            }
            catch (DeviceUnavailableException e)
            {
                throw new CliException(e.Message);
            }
        });
        return command;
    }
}
