using TrainSwarm.Cuda.Selection;

namespace TrainSwarm.Cli.Tests.Bench;

/// <summary>`swarm bench gpu-ops` and `swarm devnet --replay-share-bps` where there is no GPU (CI): bad input is refused before anything runs.</summary>
public sealed class GpuOpsCommandTests
{
    [Fact]
    public async Task Without_a_gpu_it_says_what_is_missing_in_one_line_and_fails()
    {
        var found = new CudaProbe().Probe();
        if (found.Devices.Count > 0) return; // a GPU machine runs the real checks instead (see README, CUDA backend)
        var (code, output) = await CliRunner.Run("bench", "gpu-ops", "--ops", "relu");
        Assert.Equal(1, code);
        Assert.Equal($"error: --device cuda:0: {found.Missing}", output.Trim());
    }

    [Fact]
    public async Task An_unknown_op_is_refused_with_the_known_ones()
    {
        var (code, output) = await CliRunner.Run("bench", "gpu-ops", "--ops", "conv2d,tanh");
        Assert.Equal(2, code);
        Assert.Contains("--ops: unknown op tanh; the ops are gemm, linear, relu, softmax_xent, conv2d, maxpool2d, adam, sgd, model", output);
        Assert.DoesNotContain("{", output);
    }

    [Fact]
    public async Task A_golden_folder_that_is_not_there_is_one_line_and_fails()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-golden-" + Guid.NewGuid().ToString("N"));
        var (code, output) = await CliRunner.Run("bench", "gpu-ops", "--golden-dir", missing);
        Assert.Equal(1, code);
        Assert.Equal($"error: --golden-dir: no folder {missing}", output.Trim());
    }

    [Theory]
    [InlineData("10001")]
    [InlineData("-1")]
    public async Task A_replay_share_outside_basis_points_is_refused_before_a_devnet_starts(string bps)
    {
        var (code, output) = await CliRunner.Run("devnet", "--replay-share-bps", bps, "--data-dir", Path.GetTempPath());
        Assert.Equal(2, code);
        Assert.Contains("--replay-share-bps must be between 0 and 10000", output);
        Assert.DoesNotContain("starting a devnet", output);
    }
}
