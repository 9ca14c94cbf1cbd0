using System.Security.Cryptography;
using System.Text;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Learning.Data.Uploads;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Blobs;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>
/// Turns a completed upload into a dataset: parses and checks it completely (a refusal is a 422 naming the file, line or entry,
/// and stores nothing), cuts it once into a holdout and training shards, stores each as a blob, and commits the manifest.
/// The same creator uploading the same file with the same settings gets the same dataset id back.
/// </summary>
public sealed class CreateDataset(SwarmState state, StateCommitter committer, DatasetUploads uploads, BlobStore blobs)
{
    /// <summary>Completes upload <paramref name="uploadId"/> of <paramref name="owner"/>; returns the manifest and whether it is new.</summary>
    public async Task<(DatasetManifest Manifest, bool Created)> CompleteAsync(string owner, string uploadId, CancellationToken cancellation)
    {
        var (start, bytes) = uploads.Take(owner, uploadId);
        var format = UploadFormats.Parse(start.Format)!.Value;
        var shards = start.Shards ?? DatasetIds.DefaultShards;
        var id = "ds" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\n', owner, start.Sha256, UploadFormats.Name(format), start.Shape ?? "", start.LabelColumn ?? "", shards)
            // A split seed joins the id only when given, so every dataset uploaded without one keeps its id.
            + (start.SplitSeed is { } seed ? "\n" + seed.ToString(System.Globalization.CultureInfo.InvariantCulture) : ""))))[..32];
        var existing = await committer.ReadAsync(() => state.Datasets.GetValueOrDefault(id), cancellation);
        if (existing is { DeletedAt: null })
            return (existing.Manifest, false);

        if (format == UploadFormat.Text)
            return (await CreateTextAsync(id, owner, start, bytes, shards, cancellation), true);

        // Parsing and cutting are CPU work on up to the upload limit: off the request thread, and outside the state gate.
        var (parsed, holdout, parts) = await Task.Run(() =>
        {
            try
            {
                var parsed = DatasetUploadParser.Parse(format, bytes, start.Name, new UploadOptions(start.Shape, start.LabelColumn));
                var (holdout, parts) = DatasetSharding.Split(parsed.Data, start.Sha256, shards, DatasetIds.HoldoutFraction, start.SplitSeed);
                return (parsed, holdout, parts);
            }
            catch (UploadRejectedException e)
            {
                throw Refuse.With(RefusalKind.Unprocessable, "Invalid dataset", e.Message);
            }
        }, cancellation);

        var holdoutPart = await StoreAsync(holdout, parsed.Data.Count - parts.Sum(CountOf), cancellation);
        var shardParts = new List<DatasetPart>(parts.Count);
        foreach (var part in parts)
            shardParts.Add(await StoreAsync(part, CountOf(part), cancellation));
        var manifest = new DatasetManifest(id, start.Name, owner, UploadFormats.Name(format), parsed.InputShape, parsed.Data.Classes, parsed.ClassNames,
            parsed.Data.Count, start.Sha256, bytes.Length, holdoutPart, shardParts, state.Now,
            DatasetSharding.SeedOf(start.Sha256, start.SplitSeed));
        await CommitAsync(manifest, holdout, parts, $"{manifest.Count} samples, {manifest.Classes} classes, {shards} shards", cancellation);
        return (manifest, true);
    }

    // A text corpus: checked as UTF-8, tokenized byte-level, its holdout and shards cut as contiguous token ranges (TokenSharding).
    private async Task<DatasetManifest> CreateTextAsync(string id, string owner, DatasetUploadStart start, byte[] bytes, int shards,
        CancellationToken cancellation)
    {
        var (tokens, holdout, parts) = await Task.Run(() =>
        {
            try
            {
                var tokens = TextUpload.Parse(bytes, start.Name);
                var (holdout, parts) = TokenSharding.Split(tokens, shards, Learning.Text.ByteTokenizer.VocabSize);
                return (tokens.Length, holdout, parts);
            }
            catch (UploadRejectedException e)
            {
                throw Refuse.With(RefusalKind.Unprocessable, "Invalid dataset", e.Message);
            }
        }, cancellation);
        var holdoutPart = await StoreAsync(holdout, TokenShardCodec.TokenCount(holdout), cancellation);
        var shardParts = new List<DatasetPart>(parts.Count);
        long first = 0;
        foreach (var part in parts)
        {
            var count = TokenShardCodec.TokenCount(part);
            shardParts.Add(await StoreAsync(part, count, cancellation) with { Start = first });
            first += count;
        }
        var manifest = new DatasetManifest(id, start.Name, owner, DatasetManifest.TextFormat, [], 0, [], tokens, start.Sha256, bytes.Length,
            holdoutPart, shardParts, state.Now, Tokenizer: TextUpload.Tokenizer);
        await CommitAsync(manifest, holdout, parts, $"{tokens} tokens ({TextUpload.Tokenizer}), {shards} shards", cancellation);
        return manifest;
    }

    private Task CommitAsync(DatasetManifest manifest, byte[] holdout, IReadOnlyList<byte[]> parts, string summary, CancellationToken cancellation) =>
        committer.MutateWithLedgerAsync(async changes =>
        {
            // Our blobs were stored outside the gate: a delete of another dataset that shared one may have freed it since.
            // Under the gate no collection runs, so what is stored now stays until this manifest references it.
            await RestoreFreedAsync([(manifest.Holdout.Blob, holdout), .. manifest.Shards.Zip(parts, (p, b) => (p.Blob, b))], cancellation);
            state.PutDataset(changes, new DatasetRecord(manifest, null));
            changes.Event(null, null, new Happening(EventTypes.DatasetCreated, null, $"dataset {manifest.Id} ({manifest.Name}): {summary}"));
            return 0;
        }, cancellation);

    // Only a missing blob is written (and so hashed) again: the common case costs a file-exists check per part under the gate.
    private async Task RestoreFreedAsync(IReadOnlyList<(string Blob, byte[] Bytes)> stored, CancellationToken cancellation)
    {
        foreach (var (blob, bytes) in stored)
        {
            if (!blobs.Exists(blob))
                await blobs.PutAsync(blob, bytes, cancellation);
        }
    }

    private async Task<DatasetPart> StoreAsync(byte[] bytes, int count, CancellationToken cancellation)
    {
        var blob = BlobId.Of(bytes);
        await blobs.PutAsync(blob, bytes, cancellation);
        return new DatasetPart(blob, count, bytes.Length);
    }

    private static int CountOf(byte[] shard) => ShardCodec.SampleCount(shard);
}
