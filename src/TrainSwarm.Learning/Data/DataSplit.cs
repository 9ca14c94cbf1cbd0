using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Data;

/// <summary>
/// How a job divides a dataset's training split, deterministically from (seed, holdout fraction, sample limit, shard
/// count): one seeded permutation; its first part is the holdout (validators only), the next part the training pool,
/// cut into equal contiguous shards. Every node and validator computes the same indices from the job alone.
/// </summary>
public sealed class DataSplit
{
    private readonly int[] _order;

    /// <summary>Splits <paramref name="count"/> samples.</summary>
    /// <param name="trainSamples">Use at most this many samples for the pool (null: all that remain after the holdout).</param>
    /// <param name="firstSamples">
    /// Split only the dataset's first this many samples (null: all), so a named dataset cut to N samples splits exactly as an
    /// uploaded file of those N samples in that order whose split seed is the same.
    /// </param>
    public DataSplit(int count, double holdoutFraction, int? trainSamples, ulong seed, int? firstSamples = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstSamples ?? 2, 2, nameof(firstSamples));
        count = Math.Min(count, firstSamples ?? count);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        if (!(holdoutFraction is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(holdoutFraction), "must be in (0, 1)");
        _order = Permutation(count, seed);
        HoldoutCount = Math.Clamp((int)Math.Round(count * holdoutFraction), 1, count - 1);
        PoolCount = Math.Min(count - HoldoutCount, trainSamples ?? int.MaxValue);
        if (PoolCount < 1)
            throw new ArgumentOutOfRangeException(nameof(trainSamples), "must be at least 1");
    }

    /// <summary>Samples kept back for validation.</summary>
    public int HoldoutCount { get; }

    /// <summary>Samples nodes may train on.</summary>
    public int PoolCount { get; }

    /// <summary>Indices of the holdout samples, ascending.</summary>
    public int[] Holdout() => Sorted(_order.AsSpan(0, HoldoutCount));

    /// <summary>Indices of shard <paramref name="index"/> of <paramref name="shards"/> equal parts of the pool, ascending.</summary>
    public int[] Shard(int index, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, shards);
        var start = (int)((long)PoolCount * index / shards);
        var end = (int)((long)PoolCount * (index + 1) / shards);
        return Sorted(_order.AsSpan(HoldoutCount + start, end - start));
    }

    private static int[] Sorted(ReadOnlySpan<int> indices)
    {
        var copy = indices.ToArray();
        Array.Sort(copy);
        return copy;
    }

    // Our own seeded Fisher–Yates, so the split is the same on every platform and runtime.
    private static int[] Permutation(int count, ulong seed)
    {
        var order = new int[count];
        for (var i = 0; i < count; i++)
            order[i] = i;
        // A fixed salt keeps the split's stream apart from the weight initializer's, which uses the same job seed.
        new Rng(seed ^ 0x5EED_0F_5917UL).Shuffle(order.AsSpan());
        return order;
    }
}
