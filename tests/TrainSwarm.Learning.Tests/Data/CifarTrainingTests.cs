using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Optimizers;

namespace TrainSwarm.Learning.Tests.Data;

/// <summary>The cnn-rgb32 preset learns from CIFAR-shaped data read through the catalog's CIFAR-10 loader.</summary>
[Collection(nameof(SerialTraining))]
public sealed class CifarTrainingTests(ITestOutputHelper log)
{
    // Each image: seeded noise in [0, 96), and one bright 8×8 square whose place (a 3×4 grid) and colour plane tell its class.
    private static byte[] Records(int count, Random rng, List<int> labels)
    {
        var bytes = new byte[count * 3073];
        for (int i = 0; i < count; i++)
        {
            int label = rng.Next(10), o = i * 3073;
            labels.Add(label);
            bytes[o] = (byte)label;
            for (int p = 0; p < 3072; p++)
                bytes[o + 1 + p] = (byte)rng.Next(96);
            int top = label / 4 * 10 + 2, left = label % 4 * 8, channel = label % 3;
            for (int h = top; h < top + 8; h++)
                for (int w = left; w < left + 8; w++)
                    bytes[o + 1 + channel * 1024 + h * 32 + w] = (byte)(200 + rng.Next(56));
        }
        return bytes;
    }

    [Fact]
    public void Cnn_rgb32_trains_on_a_generated_cifar10_archive_read_by_the_loader()
    {
        using var tmp = new TempDir();
        var rng = new Random(5);
        var trainLabels = new List<int>();
        var batches = Enumerable.Range(0, 5).Select(_ => Records(120, rng, trainLabels)).ToArray();
        var testLabels = new List<int>();
        var test = Records(200, rng, testLabels);
        CatalogFixtures.WriteCifarArchive(Path.Combine(tmp.Path, "cifar-10-binary.tar.gz"), hundred: false, batches, test);

        var (trainData, testData) = CatalogData.Load(DatasetCatalog.Cifar10, tmp.Path);
        Assert.Equal(trainLabels, trainData.Labels);
        Assert.Equal(testLabels, testData.Labels);
        var model = ModelPresets.Create("cnn-rgb32", 9);
        ModelBuilder.CheckFits(model, [trainData.Channels, trainData.Height, trainData.Width], trainData.Classes);
        var before = Evaluator.Evaluate(model, testData);
        var result = new Trainer(model, new Adam(model.Parameters(), 1e-3f), new MiniBatchLoader(trainData, 32, 9), trainData).Run(epochs: 3);
        var after = Evaluator.Evaluate(model, testData);
        log.WriteLine($"cnn-rgb32 on 600 generated CIFAR-10 images: test accuracy {before.Accuracy:P1} -> {after.Accuracy:P1}, "
            + $"loss {before.Loss:F3} -> {after.Loss:F3} after {result.Steps} steps");
        // 600 images / 32 = 18 full batches per epoch (the last partial batch dropped or kept, as the loader does): at least 54 steps.
        Assert.True(result.Steps >= 54, $"{result.Steps} steps");
        // The squares are unmistakable: chance is 10%, and the trained model must be right on at least 90% of the 200 test images.
        Assert.True(after.Accuracy >= 0.9, $"test accuracy {after.Accuracy:P1} (before training {before.Accuracy:P1})");
        Assert.True(after.Loss < before.Loss / 2, $"test loss {after.Loss:F3}, before {before.Loss:F3}");
    }
}
