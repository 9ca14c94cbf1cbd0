using System.Security.Cryptography;

namespace TrainSwarm.Learning.Data;

/// <summary>A file's SHA-256 and, when it is needed for a file the source pins only by MD5, its MD5 (lowercase hex).</summary>
public sealed record FileDigest(string Sha256, string? Md5)
{
    /// <summary>Hashes <paramref name="stream"/> to its end.</summary>
    public static FileDigest Of(Stream stream, bool withMd5)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var builder = new Builder(withMd5);
        byte[] buffer = new byte[81920];
        int n;
        while ((n = stream.Read(buffer)) > 0)
            builder.Append(buffer.AsSpan(0, n));
        return builder.Finish();
    }

    /// <summary>"SHA-256 is …" or, for an MD5-pinned file, "MD5 is …": what an error message compares with the expected digest.</summary>
    public string Describe(DatasetFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return file.Sha256 is not null ? $"SHA-256 is {Sha256}" : $"MD5 is {Md5}";
    }

    /// <summary>Hashes bytes as they stream past (a download is hashed while it is written, never read twice).</summary>
    public sealed class Builder(bool withMd5) : IDisposable
    {
        private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private readonly IncrementalHash? _md5 = withMd5 ? IncrementalHash.CreateHash(HashAlgorithmName.MD5) : null;

        /// <summary>Adds <paramref name="bytes"/>.</summary>
        public void Append(ReadOnlySpan<byte> bytes)
        {
            _sha.AppendData(bytes);
            _md5?.AppendData(bytes);
        }

        /// <summary>The digest of everything appended.</summary>
        public FileDigest Finish() =>
            new(Convert.ToHexStringLower(_sha.GetHashAndReset()), _md5 is null ? null : Convert.ToHexStringLower(_md5.GetHashAndReset()));

        /// <inheritdoc />
        public void Dispose()
        {
            _sha.Dispose();
            _md5?.Dispose();
        }
    }
}
