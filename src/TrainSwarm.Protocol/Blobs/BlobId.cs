using System.Security.Cryptography;

namespace TrainSwarm.Protocol.Blobs;

/// <summary>
/// Blob ids: the lowercase hex SHA-256 of the blob's bytes (64 characters). Only an id that passes
/// <see cref="IsValid"/> may ever become part of a file path.
/// </summary>
public static class BlobId
{
    /// <summary>Length of an id in characters.</summary>
    public const int Length = 64;

    /// <summary>The id of <paramref name="bytes"/>.</summary>
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>The id of a stream's remaining bytes.</summary>
    public static async Task<string> OfAsync(Stream stream, CancellationToken cancellation = default) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellation));

    /// <summary>True for exactly 64 lowercase hex characters.</summary>
    public static bool IsValid(string? id)
    {
        if (id is null || id.Length != Length)
            return false;
        foreach (var c in id)
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
                return false;
        return true;
    }
}
