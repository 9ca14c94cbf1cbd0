using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace TrainSwarm.Ledger;

/// <summary>Deterministic account and transfer ids, so every host computes the same id for the same purpose.</summary>
public static class AccountIds
{
    /// <summary>
    /// The id of the account of <paramref name="kind"/> owned by <paramref name="owner"/> for <paramref name="scope"/>
    /// (e.g. a job id for an escrow, "" for a wallet): the first 16 bytes of SHA-256 over a tagged encoding.
    /// </summary>
    public static UInt128 For(string owner, AccountKind kind, string scope = "") =>
        Derive($"trainswarm-account-v1\0{owner}\0{(byte)kind}\0{scope}");

    /// <summary>The id of the ledger's own expiry transfer for <paramref name="pendingId"/>.</summary>
    public static UInt128 ExpiryOf(UInt128 pendingId) => Derive($"trainswarm-expire-v1\0{pendingId:x32}");

    /// <summary>
    /// A transfer id fixed by its purpose (e.g. "payout\0job\0round\0node"), so a host that retries the same step after a
    /// crash submits the same id and the ledger answers <see cref="TransferStatus.Exists"/> instead of moving tokens twice.
    /// </summary>
    public static UInt128 TransferFor(string purpose) => Derive($"trainswarm-transfer-v1\0{purpose}");

    private static UInt128 Derive(string text)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), digest);
        var id = BinaryPrimitives.ReadUInt128BigEndian(digest);
        return id == 0 ? 1 : id;
    }
}
