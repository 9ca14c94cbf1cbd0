using TrainSwarm.Daemons;
using TrainSwarm.Learning.Data;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// The datasets a validator scores on, through the daemons' shared <see cref="DatasetCache"/>: only fashion-mnist
/// (any letter case), whose test split it needs too; and the last holdout it cut, since consecutive rounds of one job
/// share it.
/// </summary>
internal sealed class ValidatorDatasets(DatasetCache cache)
{
    private ((double, int?, ulong) Key, LabeledImages Holdout)? _lastHoldout;

    /// <summary>
    /// The train and test splits of <paramref name="dataset"/>; throws <see cref="UnsupportedDatasetException"/> for
    /// others than fashion-mnist.
    /// </summary>
    public async Task<(LabeledImages Train, LabeledImages Test)> GetAsync(string dataset, CancellationToken cancellation)
    {
        if (!string.Equals(dataset, DatasetCatalog.FashionMnist.Name, StringComparison.OrdinalIgnoreCase))
            throw new UnsupportedDatasetException(dataset);
        return await cache.GetCatalogAsync(DatasetCatalog.FashionMnist.Name, cancellation);
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
