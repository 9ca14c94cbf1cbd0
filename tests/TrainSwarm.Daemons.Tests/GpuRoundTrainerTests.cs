using TrainSwarm.Cuda.Selection;
using TrainSwarm.Daemons.Devices;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Training;

namespace TrainSwarm.Daemons.Tests;

/// <summary>
/// Which rounds the GPU round trainer takes (the rest train on the CPU): checked without a GPU, since the decision touches no CUDA
/// library. Its training itself is checked on a GPU machine (tools/gpu/device-check.sh: a devnet whose nodes and validator use the GPU).
/// </summary>
public sealed class GpuRoundTrainerTests
{
    private static readonly RoundTrainingSpec Mlp = new("mlp", null, "adam", 1e-3, 0, 32, 10, 5);

    [Fact]
    public void The_mlp_and_cnn_presets_with_adam_or_sgd_with_momentum_on_28x28_images_have_a_gpu_path()
    {
        Assert.Null(GpuRoundTrainer.Unsupported(Mlp, Images(1, 28, 28)));
        Assert.Null(GpuRoundTrainer.Unsupported(Mlp with { Model = "cnn", Optimizer = "sgd", Momentum = 0.9 }, Images(1, 28, 28)));
    }

    [Fact]
    public void Everything_else_says_why_it_stays_on_the_cpu()
    {
        var images = Images(1, 28, 28);
        Assert.Equal("a layer-list model has no CUDA path yet", GpuRoundTrainer.Unsupported(Mlp with { Layers = ["flatten", "linear:10"] }, images));
        Assert.Equal("the CUDA backend trains mlp and cnn with adam or sgd, not mlp with adamw",
            GpuRoundTrainer.Unsupported(Mlp with { Optimizer = "adamw" }, images));
        Assert.Equal("the CUDA backend trains mlp and cnn with adam or sgd, not cnn-rgb32 with adam",
            GpuRoundTrainer.Unsupported(Mlp with { Model = "cnn-rgb32" }, images));
        Assert.Equal("sgd without momentum has no CUDA path yet", GpuRoundTrainer.Unsupported(Mlp with { Optimizer = "sgd", Momentum = 0 }, images));
        Assert.Equal("the CUDA presets take 1x28x28 images, not 3x32x32", GpuRoundTrainer.Unsupported(Mlp, Images(3, 32, 32)));
        // EMNIST balanced: 28×28 grey, but the presets end in 47 outputs there, and the CUDA ones in 10.
        Assert.Equal("the CUDA presets end in 10 outputs, not 47", GpuRoundTrainer.Unsupported(Mlp, Images(1, 28, 28, classes: 47)));
    }

    [Fact]
    public void Training_what_has_no_gpu_path_is_refused_before_any_cuda_call()
    {
        var trainer = new GpuRoundTrainer(new GpuInfo(0, "NVIDIA Test", 1L << 34, 9, 0, 132, 13000));
        var e = Assert.Throws<ArgumentException>(() => trainer.Train([], Mlp with { Optimizer = "adamw" }, Images(1, 28, 28), 1));
        Assert.StartsWith("no GPU path: the CUDA backend trains", e.Message, StringComparison.Ordinal);
    }

    private static LabeledImages Images(int channels, int height, int width, int classes = 10)
    {
        const int count = 64;
        var pixels = new float[count * channels * height * width];
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = (i % 255) / 255f;
        return new LabeledImages(pixels, [.. Enumerable.Range(0, count).Select(i => i % 10)], channels, height, width, classes);
    }
}
