namespace TrainSwarm.Learning.Data;

/// <summary>Loads a catalog dataset in the MNIST layout (<see cref="DatasetLayout.Idx"/>): Fashion-MNIST, MNIST, KMNIST.</summary>
public static class IdxCatalogData
{
    /// <summary>Locates the files of <paramref name="entry"/> (digest-checked, see <see cref="DatasetLocator"/>) and loads both splits.</summary>
    /// <exception cref="NotSupportedException">The entry is not in the MNIST layout.</exception>
    public static async Task<(LabeledImages Train, LabeledImages Test)> LoadAsync(
        DatasetLocator locator, DatasetEntry entry, string? userPath = null, bool allowDownload = false, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(locator);
        ArgumentNullException.ThrowIfNull(entry);
        if (!entry.Loadable)
            throw new NotSupportedException($"dataset '{entry.Name}' is {entry.Layout} files, which this build can fetch but not load");
        string dir = await locator.LocateAsync(entry, userPath, allowDownload, cancellationToken).ConfigureAwait(false);
        return (Split(dir, "train", entry.Classes), Split(dir, "t10k", entry.Classes));
    }

    private static LabeledImages Split(string dir, string prefix, int classes) =>
        LabeledImages.FromIdx(Path.Combine(dir, $"{prefix}-images-idx3-ubyte.gz"), Path.Combine(dir, $"{prefix}-labels-idx1-ubyte.gz"), classes);
}
