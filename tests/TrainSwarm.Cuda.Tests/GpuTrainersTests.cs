using TrainSwarm.Cuda.Training;

namespace TrainSwarm.Cuda.Tests;

/// <summary>Which presets and optimizers have a CUDA path: what `swarm train --device` and `bench gpu` decide by, without a GPU.</summary>
public sealed class GpuTrainersTests
{
    [Theory]
    [InlineData("mlp", "adam", true)]
    [InlineData("mlp", "sgd", true)]
    [InlineData("cnn", "adam", true)]
    [InlineData("cnn", "sgd", true)]
    [InlineData("cnn", "adamw", false)]
    [InlineData("gpt-tiny", "adam", false)]
    public void Supports_the_mlp_and_cnn_presets_with_adam_and_sgd(string model, string optimizer, bool expected) =>
        Assert.Equal(expected, GpuTrainers.Supports(model, optimizer));

    [Fact]
    public void Every_conv_kernel_is_in_the_module_the_trainer_loads()
    {
        foreach (var name in new[] { "im2col", "col2im", "maxpool2_forward", "maxpool2_backward", "column_sum_partial" })
            Assert.Contains(name, KernelSourceNames);
    }

    private static IReadOnlyList<string> KernelSourceNames => TrainSwarm.Cuda.Kernels.KernelSource.KernelNames;
}
