using TrainSwarm.Cuda.Selection;

namespace TrainSwarm.Cli.Tests.Train;

/// <summary>`swarm train --device` where CI runs it: no GPU, so auto falls back to the CPU with its log line and cuda fails cleanly.</summary>
[Collection(nameof(CliSerial))]
public sealed class TrainDeviceTests
{
    private static readonly CudaProbeResult Found = new CudaProbe().Probe();

    [Fact]
    public async Task Auto_without_a_gpu_trains_on_the_cpu_and_says_so_in_one_line()
    {
        if (Found.Devices.Count > 0) return; // a GPU machine takes the CUDA path, run on the device instead
        var (code, output) = await CliRunner.Run("train", "--model", "mlp", "--limit", "640", "--threads", "1", "--device", "auto");
        Assert.True(code == 0, output);
        Assert.Contains($"device: cpu (no GPU: {Found.Missing})", output);
        Assert.Contains("1 thread(s), GEMM:", output);
    }

    [Fact]
    public async Task Cuda_without_a_gpu_is_a_one_line_error_naming_what_is_missing()
    {
        if (Found.Devices.Count > 0) return;
        var (code, output) = await CliRunner.Run("train", "--model", "mlp", "--limit", "640", "--device", "cuda");
        Assert.Equal(1, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"error: --device cuda:0: {Found.Missing}", line);
    }

    [Fact]
    public async Task Cuda_for_a_model_without_a_cuda_path_is_refused_before_training()
    {
        var (code, output) = await CliRunner.Run("train", "--model", "cnn", "--optimizer", "adamw", "--limit", "640", "--device", "cuda:0");
        Assert.Equal(1, code);
        Assert.Equal("error: --device cuda:0: the CUDA backend trains the mlp and cnn presets with adam or sgd, not cnn with adamw; use --device cpu",
            Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    [Fact]
    public async Task A_malformed_device_is_bad_usage()
    {
        var (code, output) = await CliRunner.Run("train", "--device", "gpu0");
        Assert.Equal(2, code);
        Assert.Contains("--device must be auto|cpu|cuda[:N]; got 'gpu0'", output);
    }
}
