using TrainSwarm.Learning.Data;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Learning.Tests.Data;

/// <summary>The real files from Debian's dataset-fashion-mnist (test.sh installs it); loaded once for the class.</summary>
public sealed class FashionMnistFixture
{
    public const string Installed = "/usr/share/datasets/fashion-mnist/";

    public FashionMnistFixture()
    {
        var locator = new DatasetLocator(cacheRoot: Path.Combine(Path.GetTempPath(), "ts-no-cache"));
        (Train, Test) = FashionMnist.LoadAsync(locator).GetAwaiter().GetResult();
    }

    public LabeledImages Train { get; }

    public LabeledImages Test { get; }
}

public class FashionMnistTests(FashionMnistFixture data) : IClassFixture<FashionMnistFixture>
{
    [Fact]
    public void Splits_have_the_published_sizes()
    {
        Assert.Equal((60000, 1, 28, 28, 10), (data.Train.Count, data.Train.Channels, data.Train.Height, data.Train.Width, data.Train.Classes));
        Assert.Equal((10000, 1, 28, 28, 10), (data.Test.Count, data.Test.Channels, data.Test.Height, data.Test.Width, data.Test.Classes));
        Assert.Equal(60000 * 784, data.Train.Pixels.Length);
    }

    [Fact]
    public void Labels_match_what_python_reads()
    {
        // Values printed by /usr/bin/python3 reading the same gzip files with gzip + struct.
        Assert.Equal([9, 0, 0, 3, 0, 2, 7, 2, 5, 5], data.Train.Labels[..10]);
        Assert.Equal([9, 2, 1, 1, 6, 1, 4, 6, 5, 7], data.Test.Labels[..10]);
        // Fashion-MNIST is balanced: 6000 and 1000 of each class.
        Assert.All(data.Train.Labels.CountBy(l => l), kv => Assert.Equal(6000, kv.Value));
        Assert.All(data.Test.Labels.CountBy(l => l), kv => Assert.Equal(1000, kv.Value));
        Assert.Equal(10, data.Train.Labels.Distinct().Count());
    }

    [Fact]
    public void Pixels_are_in_unit_range_and_match_python()
    {
        Assert.All(data.Train.Pixels[..(784 * 100)], p => Assert.InRange(p, 0f, 1f));
        // Python: sum of the first training image's bytes is 76247, its maximum 255. Tolerance: 1e-3 absolute on a
        // float sum of 784 terms in double.
        Assert.Equal(76247 / 255.0, data.Train.Image(0).ToArray().Sum(p => (double)p), 1e-3);
        Assert.Equal(1f, data.Train.Image(0).ToArray().Max());
    }

    [Fact]
    public void Pixels_are_bitwise_what_pytorch_feeds_the_golden_models()
    {
        // The golden generator divides the first 4 training images by 255 in PyTorch; ours must be the same bits,
        // or the engine's model tests would start from different inputs.
        string golden = Path.Combine(RepoRoot(), "tests", "TrainSwarm.Nn.Tests", "golden", "mlp.safetensors");
        float[] x = SafeTensorsReader.Read(golden)["x"].AsF32();
        Assert.Equal(4 * 784, x.Length);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(x[i]), BitConverter.SingleToInt32Bits(data.Train.Pixels[i]));
        }
        long[] targets = SafeTensorsReader.Read(golden)["targets"].AsI64();
        Assert.Equal(data.Train.Labels[..4].Select(l => (long)l), targets);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TrainSwarm.slnx"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException("no TrainSwarm.slnx above " + AppContext.BaseDirectory);
    }
}
