using TrainSwarm.Protocol.Blobs;

namespace TrainSwarm.Storage.Blobs;

/// <summary>
/// Content-addressed files: a blob lives at root/ab/abcdef… where the name is its SHA-256. Paths are built only
/// from ids that passed <see cref="BlobId.IsValid"/>, never from other client input. Writes go to a temporary
/// file that is flushed to disk and renamed into place, so a crash leaves either the whole blob or nothing.
/// </summary>
public sealed class BlobStore
{
    private readonly string _root;

    /// <summary>A store under <paramref name="root"/> (created when missing).</summary>
    public BlobStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    /// <summary>True when the blob is stored.</summary>
    public bool Exists(string id) => File.Exists(PathOf(id));

    /// <summary>Size in bytes, or null when absent.</summary>
    public long? SizeOf(string id)
    {
        var info = new FileInfo(PathOf(id));
        return info.Exists ? info.Length : null;
    }

    /// <summary>
    /// Stores <paramref name="bytes"/> under <paramref name="id"/>; throws <see cref="BlobMismatchException"/> when
    /// they do not hash to it. Storing an existing blob again is a no-op (the content is the same by definition).
    /// </summary>
    public async Task PutAsync(string id, ReadOnlyMemory<byte> bytes, CancellationToken cancellation = default)
    {
        var path = PathOf(id);
        var actual = BlobId.Of(bytes.Span);
        if (actual != id)
            throw new BlobMismatchException($"the bytes hash to {actual}, not to {id}");
        if (File.Exists(path))
            return;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(bytes, cancellation);
                await stream.FlushAsync(cancellation);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary))
                File.Delete(temporary);
        }
    }

    /// <summary>
    /// Proves the store is usable now: writes, reads back and deletes a small probe file in its root (the readiness check).
    /// Throws the I/O error when the folder is gone, read-only or full.
    /// </summary>
    public async Task ProbeAsync(CancellationToken cancellation = default)
    {
        var probe = Path.Combine(_root, ".probe-" + Guid.NewGuid().ToString("N"));
        byte[] expected = [0x54, 0x53];
        try
        {
            await File.WriteAllBytesAsync(probe, expected, cancellation);
            if (!(await File.ReadAllBytesAsync(probe, cancellation)).AsSpan().SequenceEqual(expected))
                throw new IOException($"the blob store at {_root} did not read back what was written");
        }
        finally
        {
            if (File.Exists(probe))
                File.Delete(probe);
        }
    }

    /// <summary>
    /// Removes a blob; true when it was there. The caller decides that nothing references it any more: the store itself
    /// knows no references, and content addressing means one blob can serve several owners.
    /// </summary>
    public bool Delete(string id)
    {
        var path = PathOf(id);
        if (!File.Exists(path))
            return false;
        File.Delete(path);
        return true;
    }

    /// <summary>Opens a stored blob for reading, or null when absent.</summary>
    public Stream? OpenRead(string id)
    {
        var path = PathOf(id);
        return File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous) : null;
    }

    /// <summary>Reads a stored blob whole, or null when absent.</summary>
    public async Task<byte[]?> ReadAsync(string id, CancellationToken cancellation = default)
    {
        var path = PathOf(id);
        return File.Exists(path) ? await File.ReadAllBytesAsync(path, cancellation) : null;
    }

    private string PathOf(string id)
    {
        if (!BlobId.IsValid(id))
            throw new ArgumentException($"'{id}' is not a blob id (64 lowercase hex characters)", nameof(id));
        return Path.Combine(_root, id[..2], id);
    }
}

/// <summary>Bytes offered for a blob id they do not hash to.</summary>
public sealed class BlobMismatchException(string message) : Exception(message);
