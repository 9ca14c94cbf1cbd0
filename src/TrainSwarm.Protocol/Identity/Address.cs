using System.Security.Cryptography;

namespace TrainSwarm.Protocol.Identity;

/// <summary>
/// Actor addresses: "ts1" followed by the lowercase hex of the first 20 bytes of SHA-256 over the actor's
/// public key in SubjectPublicKeyInfo DER form (43 characters in all).
/// </summary>
/// <remarks>
/// Hashing the whole SPKI (not the bare curve point) binds the algorithm and curve into the address, so a key of
/// another kind can never collide with a P-256 key's address. 160 bits keep addresses short and collision-free in practice.
/// </remarks>
public static class Address
{
    /// <summary>The prefix every TrainSwarm address starts with.</summary>
    public const string Prefix = "ts1";

    /// <summary>Length of an address in characters.</summary>
    public const int Length = 3 + 40;

    /// <summary>The address of the key whose SubjectPublicKeyInfo DER is <paramref name="subjectPublicKeyInfo"/>.</summary>
    public static string FromPublicKey(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(subjectPublicKeyInfo, digest);
        return Prefix + Convert.ToHexStringLower(digest[..20]);
    }

    /// <summary>True when <paramref name="text"/> has the shape of an address (prefix, length, lowercase hex).</summary>
    public static bool IsWellFormed(string? text)
    {
        if (text is null || text.Length != Length || !text.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        foreach (var c in text.AsSpan(Prefix.Length))
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
                return false;
        return true;
    }
}
