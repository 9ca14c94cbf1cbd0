using TrainSwarm.Daemons;
using TrainSwarm.Learning.Data;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// The datasets a validator scores on, through the daemons' shared <see cref="DatasetCache"/>: every catalog dataset (any
/// letter case), whose test split it needs too, and uploads; and the last holdout it cut, since consecutive rounds of one job
/// share it.
/// </summary>
internal sealed class ValidatorDatasets(DatasetCache cache)
{
    private ((double, int?, ulong, int?) Key, LabeledImages Holdout)? _lastHoldout;

    /// <summary>
    /// The train and test splits of <paramref name="dataset"/>; throws <see cref="UnsupportedDatasetException"/> for a name
    /// outside the catalog or one whose files are not on this machine.
    /// </summary>
    public async Task<(LabeledImages Train, LabeledImages Test)> GetAsync(string dataset, CancellationToken cancellation)
    {
        var entry = DatasetCatalog.Find(dataset) ?? throw new UnsupportedDatasetException(dataset);
        try
        {
            return await cache.GetCatalogAsync(entry.Name, cancellation);
        }
        catch (FileNotFoundException e)
        {
            throw new UnsupportedDatasetException(dataset, $"dataset '{entry.Name}' is not on this machine: {e.Message}");
        }
    }

    /// <summary>
    /// For an uploaded dataset: its holdout (fetched with the validator's key) and every joined slot's shards, downloaded and put in
    /// <paramref name="shards"/> under the holdout as the dataset's key, so the replay check finds exactly what each node trained on.
    /// Returns the holdout and the shard blobs each slot must name.
    /// </summary>
    public async Task<(LabeledImages Holdout, Dictionary<int, IReadOnlyList<string>> SlotBlobs)> UploadedAsync(
        JobSpec spec, RoundView round, ShardCache shards, CancellationToken cancellation)
    {
        var uploaded = cache.Uploaded ?? throw new UnsupportedDatasetException(spec.Dataset);
        var manifest = await uploaded.ManifestAsync(spec.Dataset, cancellation);
        var holdout = await uploaded.HoldoutAsync(manifest, cancellation);
        var slotBlobs = new Dictionary<int, IReadOnlyList<string>>();
        foreach (var shard in round.Participants.Select(p => p.Shard).Distinct())
        {
            var (data, blobs) = await uploaded.SlotAsync(spec.Dataset, shard, round.MaxNodes, cancellation);
            shards.Preload(holdout, spec, shard, round.MaxNodes, data);
            slotBlobs[shard] = blobs;
        }
        return (holdout, slotBlobs);
    }

    /// <summary>
    /// For an lm job on an uploaded text dataset: its held-out tokens (fetched with the validator's key) and every joined slot's
    /// tokens and shard blobs, downloaded (memory only), so the replay check trains on exactly what each node trained on.
    /// </summary>
    public async Task<(int[] HeldOut, Dictionary<int, int[]> SlotTokens, Dictionary<int, IReadOnlyList<string>> SlotBlobs)> UploadedTextAsync(
        string datasetId, RoundView round, CancellationToken cancellation)
    {
        var uploaded = cache.Uploaded ?? throw new UnsupportedDatasetException(datasetId);
        var manifest = await uploaded.ManifestAsync(datasetId, cancellation);
        if (!manifest.IsText)
            throw new UnsupportedDatasetException(datasetId, $"dataset {datasetId} is {manifest.Format}, not text: an lm job trains on a text upload");
        var heldOut = await uploaded.TokenHoldoutAsync(manifest, cancellation);
        var (tokens, blobs) = (new Dictionary<int, int[]>(), new Dictionary<int, IReadOnlyList<string>>());
        foreach (var shard in round.Participants.Select(p => p.Shard).Distinct())
            (tokens[shard], blobs[shard]) = await uploaded.TokenSlotAsync(datasetId, shard, round.MaxNodes, cancellation);
        return (heldOut, tokens, blobs);
    }

    /// <summary>The job's holdout: the split every node and validator derives from the spec alone.</summary>
    public LabeledImages Holdout(JobSpec spec, LabeledImages train)
    {
        var key = (spec.HoldoutFraction, spec.TrainSamples, spec.Seed, spec.FirstSamples);
        if (_lastHoldout is { } last && last.Key == key)
            return last.Holdout;
        var holdout = train.Gather(new DataSplit(train.Count, spec.HoldoutFraction, spec.TrainSamples, spec.Seed, spec.FirstSamples).Holdout());
        _lastHoldout = (key, holdout);
        return holdout;
    }
}
