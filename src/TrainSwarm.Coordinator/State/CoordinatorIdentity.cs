using System.Security.Cryptography;
using System.Text;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Coordinator.State;

/// <summary>The coordinator's key: it signs ledger entries; its address identifies the network.</summary>
public sealed class CoordinatorIdentity(ActorKey key)
{
    // Audit secrets derive from the private key, so they survive a restart (a commitment published before it still
    // opens after it) and nobody without the key can compute one: nodes learn a secret only once the uploads are in.
    private readonly byte[] _auditKey = SHA256.HashData(Encoding.UTF8.GetBytes("trainswarm-audit\0" + key.ToPem()));

    public ActorKey Key { get; } = key;
    public string Address => Key.Address;

    /// <summary>The secret (hex) that picks the replayed segments of one round attempt; revealed in its validation task.</summary>
    public string AuditSecret(string roundId, int attempt) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_auditKey, Encoding.UTF8.GetBytes($"{roundId}\0{attempt}")));

    /// <summary>SHA-256 (hex) of <see cref="AuditSecret"/>: published in the round and every assignment before training.</summary>
    public string AuditCommitment(string roundId, int attempt) =>
        Convert.ToHexStringLower(SHA256.HashData(Convert.FromHexString(AuditSecret(roundId, attempt))));
}
