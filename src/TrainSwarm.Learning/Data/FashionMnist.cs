namespace TrainSwarm.Learning.Data;

/// <summary>Zalando's Fashion-MNIST: 60000 training and 10000 test images of 28×28 grayscale pixels, 10 classes.</summary>
public static class FashionMnist
{
    /// <summary>The number of classes.</summary>
    public const int Classes = 10;

    /// <summary>The catalog entry.</summary>
    public static DatasetEntry Entry => DatasetCatalog.FashionMnist;

    /// <summary>The training split from a directory holding the canonical files (not digest-checked here).</summary>
    public static LabeledImages LoadTrain(string directory) =>
        LabeledImages.FromIdx(Path.Combine(directory, "train-images-idx3-ubyte.gz"), Path.Combine(directory, "train-labels-idx1-ubyte.gz"), Classes);

    /// <summary>The test split from a directory holding the canonical files (not digest-checked here).</summary>
    public static LabeledImages LoadTest(string directory) =>
        LabeledImages.FromIdx(Path.Combine(directory, "t10k-images-idx3-ubyte.gz"), Path.Combine(directory, "t10k-labels-idx1-ubyte.gz"), Classes);

    /// <summary>Locates the files (digest-checked, see <see cref="DatasetLocator"/>) and loads both splits.</summary>
    public static Task<(LabeledImages Train, LabeledImages Test)> LoadAsync(
        DatasetLocator locator, string? userPath = null, bool allowDownload = false, CancellationToken cancellationToken = default) =>
        CatalogData.LoadAsync(locator, Entry, userPath, allowDownload, cancellationToken);
}
