using System.Collections.Concurrent;
using TrainSwarm.Client;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Data.Uploads;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Daemons;

/// <summary>
/// The parts of uploaded datasets a daemon works on, fetched from the coordinator and kept on disk by blob id
/// (<c>cache/&lt;blob&gt;</c>): a node downloads only the shards of its slot, never the holdout or another slot's, and a
/// validator the same shards to replay on. A cached file is used only while it still hashes to its id.
/// </summary>
/// <param name="cacheDirectory">Where shards are kept by blob id; null keeps nothing on disk (each process downloads once).</param>
public sealed class UploadedShards(SwarmClient client, string? cacheDirectory)
{
    private readonly ConcurrentDictionary<string, DatasetManifest> _manifests = new(StringComparer.Ordinal);

    /// <summary>The default cache: ~/.trainswarm/datasets/uploaded.</summary>
    public static string DefaultCacheDirectory => Path.Combine(DatasetLocator.DefaultCacheRoot, DatasetIds.UploadedName);

    /// <summary>The shard blobs this process holds on disk (empty without a cache directory).</summary>
    public IReadOnlyList<string> CachedBlobs() =>
        cacheDirectory is not null && Directory.Exists(cacheDirectory)
            ? Directory.GetFiles(cacheDirectory).Select(f => Path.GetFileName(f)).Where(BlobId.IsValid).Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>Bytes downloaded from the coordinator so far (cache hits cost none): what the traffic figures count.</summary>
    public long DownloadedBytes => Interlocked.Read(ref _downloaded);

    private long _downloaded;

    /// <summary>The manifest of dataset <paramref name="id"/>, fetched once (a manifest never changes).</summary>
    public async Task<DatasetManifest> ManifestAsync(string id, CancellationToken cancellation)
    {
        if (_manifests.TryGetValue(id, out var known))
            return known;
        var manifest = (await client.DatasetAsync(id, cancellation).ConfigureAwait(false)).Manifest;
        return _manifests.GetOrAdd(id, manifest);
    }

    private readonly ConcurrentDictionary<string, LabeledImages> _holdouts = new(StringComparer.Ordinal);

    /// <summary>
    /// The holdout of <paramref name="manifest"/>'s dataset, fetched once per process and never written to disk: the coordinator
    /// serves it only to an allowed validator's signed request, so this works only for a validator's client.
    /// </summary>
    public async Task<LabeledImages> HoldoutAsync(DatasetManifest manifest, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (_holdouts.TryGetValue(manifest.Id, out var known))
            return known;
        var bytes = await client.DatasetHoldoutAsync(manifest, cancellation).ConfigureAwait(false);
        return _holdouts.GetOrAdd(manifest.Id, ShardCodec.Decode(bytes, manifest.Holdout.Blob));
    }

    /// <summary>The dataset shards slot <paramref name="shardIndex"/> of <paramref name="shardCount"/> trains on, in order.</summary>
    public static IReadOnlyList<DatasetPart> PartsOfSlot(DatasetManifest manifest, int shardIndex, int shardCount)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return DatasetSharding.ShardsOfSlot(shardIndex, shardCount, manifest.Shards.Count).Select(j => manifest.Shards[j]).ToList();
    }

    /// <summary>
    /// The training data of slot <paramref name="shardIndex"/> of <paramref name="shardCount"/>: its shards downloaded (or read
    /// from the cache), checked against their ids, decoded and joined in shard order; and the shard blob ids, for the receipt.
    /// </summary>
    public async Task<(LabeledImages Data, IReadOnlyList<string> Blobs)> SlotAsync(
        string datasetId, int shardIndex, int shardCount, CancellationToken cancellation)
    {
        var manifest = await ManifestAsync(datasetId, cancellation).ConfigureAwait(false);
        var parts = PartsOfSlot(manifest, shardIndex, shardCount);
        if (parts.Count == 0)
            throw new DataFormatException(datasetId, $"slot {shardIndex + 1}/{shardCount} has no shard: the dataset has {manifest.Shards.Count}");
        var shards = new List<LabeledImages>(parts.Count);
        foreach (var part in parts)
            shards.Add(ShardCodec.Decode(await BlobAsync(part.Blob, cancellation).ConfigureAwait(false), part.Blob));
        return (Join(shards), parts.Select(p => p.Blob).ToList());
    }

    private readonly ConcurrentDictionary<string, int[]> _tokenHoldouts = new(StringComparer.Ordinal);

    /// <summary>
    /// The held-out tokens of text dataset <paramref name="manifest"/>, fetched once per process and never written to disk (a
    /// validator's client only, as <see cref="HoldoutAsync"/>).
    /// </summary>
    public async Task<int[]> TokenHoldoutAsync(DatasetManifest manifest, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (_tokenHoldouts.TryGetValue(manifest.Id, out var known))
            return known;
        var bytes = await client.DatasetHoldoutAsync(manifest, cancellation).ConfigureAwait(false);
        return _tokenHoldouts.GetOrAdd(manifest.Id, TokenShardCodec.Decode(bytes, manifest.Holdout.Blob));
    }

    /// <summary>
    /// The training tokens of slot <paramref name="shardIndex"/> of <paramref name="shardCount"/> of text dataset
    /// <paramref name="datasetId"/>: its shards (downloaded or cached, checked against their ids) joined in shard order, and
    /// their blob ids, for the receipt.
    /// </summary>
    public async Task<(int[] Tokens, IReadOnlyList<string> Blobs)> TokenSlotAsync(
        string datasetId, int shardIndex, int shardCount, CancellationToken cancellation)
    {
        var manifest = await ManifestAsync(datasetId, cancellation).ConfigureAwait(false);
        if (!manifest.IsText)
            throw new DataFormatException(datasetId, $"dataset is {manifest.Format}, not text: an lm job trains on a text upload");
        var parts = PartsOfSlot(manifest, shardIndex, shardCount);
        if (parts.Count == 0)
            throw new DataFormatException(datasetId, $"slot {shardIndex + 1}/{shardCount} has no shard: the dataset has {manifest.Shards.Count}");
        var tokens = new List<int>();
        foreach (var part in parts)
            tokens.AddRange(TokenShardCodec.Decode(await BlobAsync(part.Blob, cancellation).ConfigureAwait(false), part.Blob));
        return ([.. tokens], parts.Select(p => p.Blob).ToList());
    }

    private async Task<byte[]> BlobAsync(string blob, CancellationToken cancellation)
    {
        if (cacheDirectory is null)
        {
            var fetched = await client.GetBlobAsync(blob, cancellation).ConfigureAwait(false);
            Interlocked.Add(ref _downloaded, fetched.LongLength);
            return fetched;
        }
        var path = Path.Combine(cacheDirectory, blob);
        if (File.Exists(path))
        {
            var cached = await File.ReadAllBytesAsync(path, cancellation).ConfigureAwait(false);
            if (BlobId.Of(cached) == blob)
                return cached;
        }
        var bytes = await client.GetBlobAsync(blob, cancellation).ConfigureAwait(false);
        Interlocked.Add(ref _downloaded, bytes.LongLength);
        Directory.CreateDirectory(cacheDirectory);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temporary, bytes, cancellation).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
        return bytes;
    }

    /// <summary>The samples of <paramref name="parts"/> one after another (all of one dataset: same shape and classes).</summary>
    public static LabeledImages Join(IReadOnlyList<LabeledImages> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 1)
            return parts[0];
        var first = parts[0];
        var pixels = new float[parts.Sum(p => (long)p.Pixels.Length)];
        var labels = new int[parts.Sum(p => p.Count)];
        long offset = 0;
        var at = 0;
        foreach (var part in parts)
        {
            part.Pixels.CopyTo(pixels, offset);
            part.Labels.CopyTo(labels, at);
            offset += part.Pixels.Length;
            at += part.Count;
        }
        return new LabeledImages(pixels, labels, first.Channels, first.Height, first.Width, first.Classes);
    }
}
