namespace TrainSwarm.Learning.Data;

/// <summary>The named datasets nodes can resolve locally, with the digests that prove a copy is the right one.</summary>
public static class DatasetCatalog
{
    /// <summary>Zalando's Fashion-MNIST: the upstream files, as also shipped by Debian's dataset-fashion-mnist.</summary>
    public static DatasetEntry FashionMnist { get; } = new(
        "fashion-mnist",
        [
            new("train-images-idx3-ubyte.gz", "b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7"),
            new("train-labels-idx1-ubyte.gz", "0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056"),
            new("t10k-images-idx3-ubyte.gz", "cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa"),
            new("t10k-labels-idx1-ubyte.gz", "8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05"),
        ],
        ["/usr/share/datasets/fashion-mnist/"],
        new Uri("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"))
    {
        InputShape = [1, 28, 28], Classes = global::TrainSwarm.Learning.Data.FashionMnist.Classes, TrainSamples = 60_000, TestSamples = 10_000,
    };

    // MNIST is not listed yet: we have no verified SHA-256 digests for its upstream files, and an entry with
    // guessed digests would reject every good copy.

    /// <summary>Every catalog entry.</summary>
    public static IReadOnlyList<DatasetEntry> All { get; } = [FashionMnist];

    /// <summary>The entry called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static DatasetEntry? Find(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The entry called <paramref name="name"/>; throws listing the known names if there is none.</summary>
    public static DatasetEntry Get(string name) =>
        Find(name) ?? throw new ArgumentException(
            $"unknown dataset '{name}'; known: {string.Join(", ", All.Select(e => e.Name))}", nameof(name));
}
