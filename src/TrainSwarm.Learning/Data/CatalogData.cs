namespace TrainSwarm.Learning.Data;

/// <summary>
/// Loads a catalog dataset's train and test splits from its files, whatever their layout: the MNIST family's IDX files,
/// the EMNIST zip, the CIFAR binary archives or SVHN's MATLAB files.
/// </summary>
public static class CatalogData
{
    /// <summary>Locates the files of <paramref name="entry"/> (digest-checked, see <see cref="DatasetLocator"/>) and loads both splits.</summary>
    public static async Task<(LabeledImages Train, LabeledImages Test)> LoadAsync(
        DatasetLocator locator, DatasetEntry entry, string? userPath = null, bool allowDownload = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(locator);
        ArgumentNullException.ThrowIfNull(entry);
        string dir = await locator.LocateAsync(entry, userPath, allowDownload, cancellationToken).ConfigureAwait(false);
        return Load(entry, dir);
    }

    /// <summary>Both splits of <paramref name="entry"/> from <paramref name="directory"/>, which holds its canonical files (not digest-checked here).</summary>
    public static (LabeledImages Train, LabeledImages Test) Load(DatasetEntry entry, string directory)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string File(int i) => Path.Combine(directory, entry.Files[i].FileName);
        var (train, test) = entry.Layout switch
        {
            DatasetLayout.Idx => (Idx(directory, "train", entry.Classes), Idx(directory, "t10k", entry.Classes)),
            // "emnist-balanced" is the balanced split of the zip that holds every split.
            DatasetLayout.EmnistZip => EmnistZip.Load(File(0), entry.Name["emnist-".Length..], entry.Classes),
            DatasetLayout.CifarBinary => CifarBinary.Load(File(0), entry.Classes),
            DatasetLayout.Matlab => (SvhnMatlab.Load(File(0)), SvhnMatlab.Load(File(1))),
            _ => throw new NotSupportedException($"dataset '{entry.Name}' has layout {entry.Layout}, which no loader reads"),
        };
        int[] shape = [train.Channels, train.Height, train.Width];
        if (!shape.SequenceEqual(entry.InputShape) || test.SampleSize != train.SampleSize)
            throw new DataFormatException(directory,
                $"dataset '{entry.Name}' should hold {string.Join("x", entry.InputShape)} images, found {string.Join("x", shape)}");
        return (train, test);
    }

    private static LabeledImages Idx(string dir, string prefix, int classes) =>
        LabeledImages.FromIdx(Path.Combine(dir, $"{prefix}-images-idx3-ubyte.gz"), Path.Combine(dir, $"{prefix}-labels-idx1-ubyte.gz"), classes);
}
