using TrainSwarm.Cuda.Selection;

namespace TrainSwarm.Cli.Tests.Bench;

/// <summary>`swarm bench gpu` where there is no GPU (CI): one line naming what is missing, a failing exit, nothing measured.</summary>
public sealed class GpuCommandTests
{
    [Fact]
    public async Task Without_a_gpu_it_says_what_is_missing_in_one_line_and_fails()
    {
        var found = new CudaProbe().Probe();
        if (found.Devices.Count > 0) return; // a GPU machine runs the real bench instead (see README, CUDA backend)
        var (code, output) = await CliRunner.Run("bench", "gpu", "--steps", "10");
        Assert.Equal(1, code);
        Assert.Equal($"error: --device cuda:0: {found.Missing}", output.Trim());
    }

    [Theory]
    [InlineData("64,x")]
    [InlineData("0")]
    [InlineData("")]
    public async Task Bad_batch_lists_are_refused_before_anything_runs(string batches)
    {
        var (code, output) = await CliRunner.Run("bench", "gpu", "--batches", batches);
        Assert.Equal(2, code);
        Assert.Contains("--batches must be positive integers", output);
        Assert.DoesNotContain("{", output);
    }
}
