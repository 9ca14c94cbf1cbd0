namespace TrainSwarm.Learning.Data;

/// <summary>One file of a named dataset: its canonical name and the SHA-256 of its bytes (lowercase hex).</summary>
/// <param name="FileName">The canonical file name, e.g. "train-images-idx3-ubyte.gz".</param>
/// <param name="Sha256">The expected digest of the file as distributed upstream.</param>
public sealed record DatasetFile(string FileName, string Sha256);

/// <summary>A named dataset: where it is usually installed, where it is downloaded from, and its files.</summary>
/// <param name="Name">The catalog name, e.g. "fashion-mnist".</param>
/// <param name="Files">Every file the dataset needs.</param>
/// <param name="InstallPaths">Directories where system packages put the files (searched after a user path).</param>
/// <param name="DownloadBase">The upstream URL the file names are appended to; null when it can't be downloaded.</param>
public sealed record DatasetEntry(string Name, IReadOnlyList<DatasetFile> Files, IReadOnlyList<string> InstallPaths, Uri? DownloadBase)
{
    /// <summary>The shape of one sample as the models see it, e.g. [1, 28, 28] for one channel of 28×28 pixels.</summary>
    public required IReadOnlyList<int> InputShape { get; init; }

    /// <summary>How many classes the labels take.</summary>
    public required int Classes { get; init; }

    /// <summary>How many samples the training split holds (the holdout is taken from them, as DataSplit does).</summary>
    public required int TrainSamples { get; init; }

    /// <summary>How many samples the test split holds.</summary>
    public required int TestSamples { get; init; }

    /// <summary>The file called <paramref name="fileName"/>.</summary>
    public DatasetFile File(string fileName) =>
        Files.FirstOrDefault(f => f.FileName == fileName)
        ?? throw new ArgumentException($"dataset '{Name}' has no file '{fileName}'", nameof(fileName));
}
