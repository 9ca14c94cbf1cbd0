using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Storage.Crypto;

/// <summary>Lets an actor key (the coordinator's) sign ledger entries.</summary>
public sealed class KeySigner(ActorKey key) : ILedgerSigner
{
    /// <inheritdoc />
    public byte[] PublicKey => key.PublicKey;

    /// <inheritdoc />
    public string Address => key.Address;

    /// <inheritdoc />
    public byte[] Sign(ReadOnlySpan<byte> message) => key.Sign(message);
}
