using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Learning.Data.Uploads;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>
/// Chunked, resumable uploads of dataset files: a creator starts one (size, SHA-256, format), appends chunks at the offset the
/// coordinator has, and completes it, when <see cref="CreateDataset"/> checks the digest and the content. The partial file
/// lives under the data directory's <c>uploads/</c>, named by the upload id, so an upload resumes even after a restart.
/// </summary>
public sealed class DatasetUploads(CoordinatorOptions options)
{
    /// <summary>The largest chunk accepted: 8 MiB, or the blob limit when that is smaller, so one signed request carries it.</summary>
    public int ChunkBytes { get; } = (int)Math.Min(8 << 20, options.MaxBlobBytes);

    private readonly ConcurrentDictionary<string, UploadSession> _sessions = new(StringComparer.Ordinal);
    private readonly string _root = Path.Combine(options.DataDirectory, "uploads");

    /// <summary>Starts an upload, or resumes the one the same creator started for the same file and settings.</summary>
    public DatasetUploadStatus Start(string owner, DatasetUploadStart start)
    {
        if (string.IsNullOrWhiteSpace(start.Name) || start.Name.Length > 100)
            throw Refuse.Invalid("the dataset name must be 1 to 100 characters");
        if (UploadFormats.Parse(start.Format) is null)
            throw Refuse.Invalid($"unknown format '{start.Format}'; known: {string.Join(", ", UploadFormats.Names)}");
        if (start.Size is < 1 or > UploadLimits.MaxBytes)
            throw Refuse.With(Coordination.Rounds.RefusalKind.TooLarge, "Payload too large",
                $"an upload must have 1 to {UploadLimits.MaxBytes} bytes, not {start.Size}");
        if (!BlobId.IsValid(start.Sha256))
            throw Refuse.Invalid("sha256 must be 64 lowercase hex characters");
        if (start.Shards is < 1 or > DatasetIds.MaxShards)
            throw Refuse.Invalid($"shards must be 1 to {DatasetIds.MaxShards}");
        // A text corpus is cut without randomness and has no pixels or columns: settings that would not apply are refused, not dropped.
        if (UploadFormats.Parse(start.Format) == UploadFormat.Text && (start.Shape ?? start.LabelColumn ?? start.SplitSeed?.ToString()) is not null)
            throw Refuse.Invalid("a text upload takes no shape, label column or split seed: its holdout and shards are fixed token ranges");
        var id = "up" + Hash(owner, start.Name, start.Format, start.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), start.Sha256,
            start.Shape ?? "", start.LabelColumn ?? "", start.Shards?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            start.SplitSeed?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
        var session = _sessions.GetOrAdd(id, _ => new UploadSession(id, owner, start, PathOf(id)));
        lock (session)
            return session.Status(ChunkBytes);
    }

    /// <summary>Where an upload stands; only its creator may ask.</summary>
    public DatasetUploadStatus Status(string owner, string uploadId)
    {
        var session = Owned(owner, uploadId);
        lock (session)
            return session.Status(ChunkBytes);
    }

    /// <summary>Appends <paramref name="chunk"/> at <paramref name="offset"/>, which must be the bytes received so far.</summary>
    public DatasetUploadStatus Append(string owner, string uploadId, long offset, byte[] chunk)
    {
        var session = Owned(owner, uploadId);
        if (chunk.Length == 0 || chunk.Length > ChunkBytes)
            throw Refuse.Invalid($"a chunk must have 1 to {ChunkBytes} bytes, not {chunk.Length}");
        lock (session)
        {
            var received = session.Received;
            if (offset != received)
                throw Refuse.Conflict($"the upload has {received} bytes; send the chunk at offset {received}, not {offset}");
            if (received + chunk.Length > session.Start.Size)
                throw Refuse.Invalid($"the chunk runs past the declared size of {session.Start.Size} bytes");
            Directory.CreateDirectory(_root);
            using (var file = new FileStream(session.Path, FileMode.Append, FileAccess.Write, FileShare.None))
                file.Write(chunk);
            return session.Status(ChunkBytes);
        }
    }

    /// <summary>
    /// The complete file, once every byte arrived and its SHA-256 is the one declared; the session is then closed. A digest that
    /// does not match discards the bytes (a resume would only repeat them) and is a 422.
    /// </summary>
    public (DatasetUploadStart Start, byte[] Bytes) Take(string owner, string uploadId)
    {
        var session = Owned(owner, uploadId);
        lock (session)
        {
            if (session.Received != session.Start.Size)
                throw Refuse.Conflict($"the upload has {session.Received} of {session.Start.Size} bytes; send the rest first");
            var bytes = File.ReadAllBytes(session.Path);
            var digest = BlobId.Of(bytes);
            Discard(session);
            if (digest != session.Start.Sha256)
                throw Refuse.With(Coordination.Rounds.RefusalKind.Unprocessable, "Digest mismatch",
                    $"the uploaded bytes hash to {digest}, not to the declared {session.Start.Sha256}; they were discarded, upload the file again");
            return (session.Start, bytes);
        }
    }

    private void Discard(UploadSession session)
    {
        File.Delete(session.Path);
        _sessions.TryRemove(session.Id, out _);
    }

    private UploadSession Owned(string owner, string uploadId)
    {
        if (!DatasetIds.IsValidUpload(uploadId))
            throw Refuse.Invalid($"'{uploadId}' is not an upload id (up + 32 hex characters)");
        var session = _sessions.GetValueOrDefault(uploadId) ?? throw Refuse.NotFound($"no upload {uploadId} (start it again to resume)");
        if (session.Owner != owner)
            throw Refuse.Forbidden($"upload {uploadId} belongs to another creator");
        return session;
    }

    private string PathOf(string id) => Path.Combine(_root, id + ".part");

    private static string Hash(params string[] parts) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', parts))))[..32];

    private sealed record UploadSession(string Id, string Owner, DatasetUploadStart Start, string Path)
    {
        // The file on disk is the truth: after a restart, the bytes an earlier coordinator received still count.
        public long Received => File.Exists(Path) ? new FileInfo(Path).Length : 0;

        public DatasetUploadStatus Status(int chunkBytes) => new(Id, Start.Size, Received, chunkBytes);
    }
}
