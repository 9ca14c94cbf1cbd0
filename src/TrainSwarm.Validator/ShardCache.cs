using TrainSwarm.Learning.Data;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// A validator's copies of the training shards it replays on. Gathering a shard copies its images (~20 MB for a
/// Fashion-MNIST eighth), which cost more than the replayed steps themselves at a small checked share; a job's shards
/// are the same every round (the split depends on the job alone), so each is gathered once and reused.
/// </summary>
public sealed class ShardCache(int capacity = 32)
{
    private readonly Dictionary<(LabeledImages, double, int?, ulong, int?, int, int), LabeledImages> _shards = [];
    private readonly Queue<(LabeledImages, double, int?, ulong, int?, int, int)> _order = new();
    private readonly Lock _lock = new();

    // Datasets whose shards come only from Preload: a miss must never be derived by splitting the key's data (it is the
    // holdout), or an honest node's replay would run on the wrong samples and look like fraud.
    private readonly HashSet<LabeledImages> _preloadedOnly = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Stores the data of slot <paramref name="shard"/> of <paramref name="shardCount"/> as given: for an uploaded dataset, whose
    /// shards were cut at upload and are downloaded, not derived from a split (<paramref name="train"/> then only keys the dataset).
    /// </summary>
    public void Preload(LabeledImages train, JobSpec spec, int shard, int shardCount, LabeledImages data)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var key = (train, spec.HoldoutFraction, spec.TrainSamples, spec.Seed, spec.FirstSamples, shard, shardCount);
        lock (_lock)
        {
            _preloadedOnly.Add(train);
            if (_shards.TryAdd(key, data))
                _order.Enqueue(key);
            while (_order.Count > capacity)
                _shards.Remove(_order.Dequeue());
        }
    }

    /// <summary>Shard <paramref name="shard"/> of <paramref name="shardCount"/> of <paramref name="spec"/>'s split of <paramref name="train"/>.</summary>
    public LabeledImages Get(LabeledImages train, JobSpec spec, int shard, int shardCount)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(spec);
        var key = (train, spec.HoldoutFraction, spec.TrainSamples, spec.Seed, spec.FirstSamples, shard, shardCount);
        lock (_lock)
        {
            if (_shards.TryGetValue(key, out var cached))
                return cached;
            // No samples: the replay check calls the update unverifiable (no pay, no slash), never fraud.
            if (_preloadedOnly.Contains(train))
                return train.Slice(0, 0);
        }
        var split = new DataSplit(train.Count, spec.HoldoutFraction, spec.TrainSamples, spec.Seed, spec.FirstSamples);
        var data = train.Gather(split.Shard(shard, shardCount));
        lock (_lock)
        {
            if (_shards.TryAdd(key, data))
            {
                _order.Enqueue(key);
                while (_order.Count > capacity)
                    _shards.Remove(_order.Dequeue());
            }
        }
        return data;
    }
}
