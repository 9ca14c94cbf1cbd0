using System.Buffers.Binary;

namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>
/// Cuts a checked upload once into its holdout and its training shards, deterministically from the upload's own digest:
/// one seeded permutation (<see cref="DataSplit"/>), the first part the holdout, the rest cut into equal contiguous shards.
/// The same file always gives the same parts, so the same bytes and the same blob ids. A creator may give the split seed
/// instead: the split is then exactly a named-dataset job's (<see cref="DataSplit"/> with that job's seed) over the same samples
/// in the same order.
/// </summary>
public static class DatasetSharding
{
    /// <summary>The holdout and the <paramref name="shards"/> training shards of <paramref name="data"/>, each encoded by <see cref="ShardCodec"/>.</summary>
    /// <param name="splitSeed">The split's seed (null: the first 8 bytes of <paramref name="sourceSha256"/>).</param>
    public static (byte[] Holdout, IReadOnlyList<byte[]> Shards) Split(
        LabeledImages data, string sourceSha256, int shards, double holdoutFraction, ulong? splitSeed = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var split = new DataSplit(data.Count, holdoutFraction, null, SeedOf(sourceSha256, splitSeed));
        if (split.PoolCount < shards)
            throw new UploadRejectedException($"{data.Count} samples leave {split.PoolCount} after the holdout, fewer than the {shards} shards asked for");
        var holdout = ShardCodec.Encode(data.Gather(split.Holdout()));
        var parts = new List<byte[]>(shards);
        for (var i = 0; i < shards; i++)
            parts.Add(ShardCodec.Encode(data.Gather(split.Shard(i, shards))));
        return (holdout, parts);
    }

    /// <summary>
    /// The seed an upload is split with: <paramref name="splitSeed"/> when given, else the first 8 bytes of the file's digest
    /// (big-endian), a seed the creator fixes by the file alone.
    /// </summary>
    public static ulong SeedOf(string sourceSha256, ulong? splitSeed) =>
        splitSeed ?? BinaryPrimitives.ReadUInt64BigEndian(Convert.FromHexString(sourceSha256.AsSpan(0, 16)));

    /// <summary>The dataset shards node slot <paramref name="slot"/> of <paramref name="slots"/> trains on: every j with j mod slots = slot.</summary>
    public static IReadOnlyList<int> ShardsOfSlot(int slot, int slots, int shards)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(slot, slots);
        return Enumerable.Range(0, shards).Where(j => j % slots == slot).ToList();
    }
}
