using System.Security.Cryptography;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Storage.Crypto;

/// <summary>
/// Checks ledger signatures with the protocol's identity scheme (ECDSA P-256, SHA-256, r || s; addresses from
/// <see cref="Address"/>). Imported public keys are cached per thread, because a verifier checks the same
/// coordinator key on every entry and importing it dominates the cost; ECDsa instances are not shared across threads.
/// </summary>
public sealed class IdentityVerifier : ISignatureVerifier
{
    /// <summary>The one instance; it holds no state but per-thread caches.</summary>
    public static readonly IdentityVerifier Instance = new();

    [ThreadStatic]
    private static Dictionary<string, ECDsa?>? _keys;

    /// <inheritdoc />
    public string AddressOf(ReadOnlySpan<byte> publicKey) => Address.FromPublicKey(publicKey);

    /// <inheritdoc />
    public bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64)
            return false;
        var key = KeyFor(publicKey);
        return key is not null
            && key.VerifyData(message, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    private static ECDsa? KeyFor(ReadOnlySpan<byte> publicKey)
    {
        _keys ??= [];
        var name = Convert.ToBase64String(publicKey);
        if (_keys.TryGetValue(name, out var cached))
            return cached;
        ECDsa? key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(publicKey, out var read);
            if (read != publicKey.Length || key.KeySize != 256)
            {
                key.Dispose();
                key = null;
            }
        }
        catch (CryptographicException)
        {
            key?.Dispose();
            key = null;
        }
        if (_keys.Count > 1024)
            _keys.Clear();
        _keys[name] = key;
        return key;
    }
}
