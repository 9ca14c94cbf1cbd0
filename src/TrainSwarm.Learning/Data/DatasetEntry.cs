namespace TrainSwarm.Learning.Data;

/// <summary>
/// One file of a named dataset: its canonical name and the digest that proves a copy is the right one. The SHA-256
/// (lowercase hex) is checked when the source publishes or several independent sources agree on one; where only an MD5
/// is published (SVHN), that is checked instead, since a guessed SHA-256 would refuse every good copy.
/// </summary>
/// <param name="FileName">The canonical file name, e.g. "train-images-idx3-ubyte.gz".</param>
/// <param name="Sha256">The expected SHA-256 of the file as distributed upstream, or null when none is known.</param>
/// <param name="Md5">The MD5 the source publishes, checked only when <paramref name="Sha256"/> is null.</param>
public sealed record DatasetFile(string FileName, string? Sha256, string? Md5 = null)
{
    /// <summary>
    /// Other SHA-256 digests of the same content, repackaged: Debian's Fashion-MNIST files are the upstream ones with the
    /// original file name dropped from the gzip header, so their bytes (and digests) differ while the images do not.
    /// </summary>
    public IReadOnlyList<string> AlsoAccepted { get; init; } = [];

    /// <summary>The digest a download is checked against, named by its algorithm, e.g. "SHA-256 440fca…".</summary>
    public string Expected => Sha256 is not null ? $"SHA-256 {Sha256}" : $"MD5 {Md5}";

    /// <summary>True when <paramref name="sha256"/> (and, for an MD5-pinned file, <paramref name="md5"/>) is this file's.</summary>
    public bool Accepts(string sha256, string? md5) =>
        Sha256 is not null ? sha256 == Sha256 || AlsoAccepted.Contains(sha256, StringComparer.Ordinal) : md5 is not null && md5 == Md5;
}

/// <summary>How a named dataset's files hold its samples, which decides the loader (<see cref="CatalogData"/>).</summary>
public enum DatasetLayout
{
    /// <summary>Four IDX files (gzip) in the MNIST layout: train/t10k images and labels.</summary>
    Idx,

    /// <summary>A tar.gz of CIFAR binary batches (one label byte, then 3×32×32 pixels, per record).</summary>
    CifarBinary,

    /// <summary>A zip of gzip IDX files for every EMNIST split.</summary>
    EmnistZip,

    /// <summary>MATLAB v5 files (SVHN's cropped digits).</summary>
    Matlab,
}

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

    /// <summary>How the files hold the samples.</summary>
    public DatasetLayout Layout { get; init; } = DatasetLayout.Idx;

    /// <summary>Where the digests come from and how far they were checked, in one sentence (shown by `swarm dataset catalog`).</summary>
    public string DigestSource { get; init; } = "";

    /// <summary>The file called <paramref name="fileName"/>.</summary>
    public DatasetFile File(string fileName) =>
        Files.FirstOrDefault(f => f.FileName == fileName)
        ?? throw new ArgumentException($"dataset '{Name}' has no file '{fileName}'", nameof(fileName));
}
