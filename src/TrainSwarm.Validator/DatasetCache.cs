using TrainSwarm.Learning.Data;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>A job's dataset is not one this validator can load; it posts no result for such rounds.</summary>
public sealed class UnsupportedDatasetException(string dataset)
    : Exception($"dataset '{dataset}' is not supported by this validator (only fashion-mnist)")
{
    /// <summary>The dataset the job named.</summary>
    public string Dataset { get; } = dataset;
}

/// <summary>
/// Loads each named dataset once per process (parsing Fashion-MNIST takes about a second and 200 MB) and remembers the last holdout it cut,
/// since consecutive rounds of one job share it.
/// </summary>
internal sealed class DatasetCache(string? dataDirectory, bool allowDownload, Action<string>? log = null)
{
    private readonly DatasetLocator _locator = new(log: log);
    private (LabeledImages Train, LabeledImages Test)? _fashionMnist;
    private ((double, int?, ulong) Key, LabeledImages Holdout)? _lastHoldout;

    /// <summary>The train and test splits of <paramref name="dataset"/>; throws <see cref="UnsupportedDatasetException"/> for others than fashion-mnist.</summary>
    public async Task<(LabeledImages Train, LabeledImages Test)> GetAsync(string dataset, CancellationToken cancellation)
    {
        if (!string.Equals(dataset, DatasetCatalog.FashionMnist.Name, StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedDatasetException(dataset);
        // One round at a time runs in a daemon, so no lock: the first round loads, the rest reuse.
        _fashionMnist ??= await FashionMnist.LoadAsync(_locator, UserPath(DatasetCatalog.FashionMnist.Name), allowDownload, cancellation);
        return _fashionMnist.Value;
    }

    // As for nodes: the data directory is either a root with one folder per dataset, or the dataset's own folder.
    private string? UserPath(string name)
    {
        if (dataDirectory is null)
            return null;
        var sub = Path.Combine(dataDirectory, name);
        return Directory.Exists(sub) ? sub : dataDirectory;
    }

    /// <summary>The job's holdout: the split every node and validator derives from the spec alone.</summary>
    public LabeledImages Holdout(JobSpec spec, LabeledImages train)
    {
        var key = (spec.HoldoutFraction, spec.TrainSamples, spec.Seed);
        if (_lastHoldout is { } last && last.Key == key)
            return last.Holdout;
        var holdout = train.Gather(new DataSplit(train.Count, spec.HoldoutFraction, spec.TrainSamples, spec.Seed).Holdout());
        _lastHoldout = (key, holdout);
        return holdout;
    }
}
