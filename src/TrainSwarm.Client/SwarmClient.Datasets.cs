using System.Security.Cryptography;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Client;

/// <summary>Uploaded datasets: the chunked, resumable upload, the list, one manifest, delete, the holdout for validators.</summary>
public sealed partial class SwarmClient
{
    /// <summary>
    /// Uploads <paramref name="file"/> as a dataset: starts (or resumes) the upload, sends the chunks the coordinator lacks, one
    /// signed request each, then completes it, when the coordinator checks the SHA-256 and the content. <paramref name="progress"/>
    /// hears the bytes the coordinator holds after each chunk (and once before the first, which shows how much a resume skipped).
    /// </summary>
    public async Task<DatasetView> UploadDatasetAsync(string file, DatasetUploadStart settings, IProgress<long>? progress = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var info = new FileInfo(file);
        string digest;
        await using (var hashing = File.OpenRead(file))
            digest = Convert.ToHexStringLower(await SHA256.HashDataAsync(hashing, cancellation));
        var status = await SendSignedAsync<DatasetUploadStatus>(HttpMethod.Post, Routes.DatasetUploads,
            settings with { Size = info.Length, Sha256 = digest }, cancellation);
        progress?.Report(status.Received);
        await using (var stream = File.OpenRead(file))
        {
            var buffer = new byte[status.ChunkBytes];
            while (status.Received < status.Size)
            {
                stream.Position = status.Received;
                var read = await stream.ReadAtLeastAsync(buffer, (int)Math.Min(buffer.Length, status.Size - status.Received), false, cancellation);
                var chunk = buffer.AsSpan(0, read).ToArray();
                status = await SendSignedRawAsync<DatasetUploadStatus>(HttpMethod.Put, $"{Routes.DatasetUpload(status.UploadId)}?offset={status.Received}",
                    chunk, cancellation);
                progress?.Report(status.Received);
            }
        }
        return await SendSignedAsync<DatasetView>(HttpMethod.Post, Routes.DatasetUploadComplete(status.UploadId), null, cancellation);
    }

    /// <summary>The uploaded datasets (of <paramref name="owner"/> when given), newest first.</summary>
    public Task<List<DatasetView>> DatasetsAsync(string? owner = null, CancellationToken cancellation = default) =>
        GetAsync<List<DatasetView>>(owner is null ? Routes.Datasets : $"{Routes.Datasets}?owner={owner}", cancellation);

    /// <summary>One dataset's manifest, status and jobs.</summary>
    public Task<DatasetView> DatasetAsync(string id, CancellationToken cancellation = default) => GetAsync<DatasetView>(Routes.Dataset(id), cancellation);

    /// <summary>Deletes a dataset of this client's key (refused while a running job uses it).</summary>
    public Task<DatasetView> DeleteDatasetAsync(string id, CancellationToken cancellation = default) =>
        SendSignedAsync<DatasetView>(HttpMethod.Delete, Routes.Dataset(id), null, cancellation);

    /// <summary>A dataset's holdout bytes: for an allowed validator's key only, checked against the manifest's digest.</summary>
    public async Task<byte[]> DatasetHoldoutAsync(DatasetManifest manifest, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        using var response = await SendSignedRawAsync(HttpMethod.Get, Routes.DatasetHoldout(manifest.Id), [], "application/octet-stream", cancellation);
        await EnsureSuccessAsync(response, cancellation);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellation);
        var actual = Protocol.Blobs.BlobId.Of(bytes);
        if (actual != manifest.Holdout.Blob)
            throw new InvalidDataException($"the holdout of {manifest.Id} arrived corrupted (its bytes hash to {actual})");
        return bytes;
    }

    private async Task<T> SendSignedRawAsync<T>(HttpMethod method, string path, byte[] body, CancellationToken cancellation)
    {
        using var response = await SendSignedRawAsync(method, path, body, "application/octet-stream", cancellation);
        return await ReadAsync<T>(response, cancellation);
    }
}
