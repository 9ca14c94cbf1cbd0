using TrainSwarm.Cuda.Selection;

namespace TrainSwarm.Cli.Tests.Shared;

/// <summary>
/// `--device` on the daemons and the engine bench, where CI runs them: no GPU, so cuda is the same one-line error (exit 1) as
/// `swarm train --device cuda`, given before anything else happens (no key created, nothing contacted), and a malformed value is bad usage.
/// </summary>
[Collection(nameof(Train.CliSerial))]
public sealed class DeviceOptionTests
{
    private static readonly CudaProbeResult Found = new CudaProbe().Probe();

    public static TheoryData<string[]> Commands() => new(
        ["node", "start", "--coordinator", "http://127.0.0.1:9", "--key", KeyPath("node")],
        ["validator", "start", "--coordinator", "http://127.0.0.1:9", "--key", KeyPath("validator")],
        ["bench", "engine", "--limit", "640"]);

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Cuda_without_a_gpu_is_a_one_line_error_naming_what_is_missing(string[] command)
    {
        if (Found.Devices.Count > 0) return; // a GPU machine takes the CUDA path: tools/gpu/device-check.sh runs it there
        var (code, output) = await CliRunner.Run([.. command, "--device", "cuda:1"]);
        Assert.Equal(1, code);
        Assert.Equal($"error: --device cuda:1: {Found.Missing}", Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(File.Exists(KeyPath("node")) || File.Exists(KeyPath("validator")), "a key was created before the device was refused");
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_malformed_device_is_bad_usage(string[] command)
    {
        var (code, output) = await CliRunner.Run([.. command, "--device", "gpu0"]);
        Assert.Equal(2, code);
        Assert.Contains("--device must be auto|cpu|cuda[:N]; got 'gpu0'", output);
    }

    private static string KeyPath(string name) => Path.Combine(Path.GetTempPath(), $"trainswarm-device-option-{Environment.ProcessId}", $"{name}.pem");
}
