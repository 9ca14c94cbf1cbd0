namespace TrainSwarm.Ledger;

/// <summary>
/// One link of the chain. Exactly one body is set, matching <see cref="Type"/>: <see cref="Genesis"/>,
/// <see cref="Account"/> or <see cref="Transfer"/>. <see cref="Hash"/> is SHA-256 over <see cref="EntryEncoding"/>
/// and <see cref="CoordinatorSignature"/> is the coordinator's ECDSA P-256 signature over that hash.
/// </summary>
public sealed record LedgerEntry(
    long Sequence,
    long Timestamp,
    EntryType Type,
    GenesisBody? Genesis,
    NewAccount? Account,
    TransferRequest? Transfer,
    ActorEvidence? Actor,
    byte[] PreviousHash,
    byte[] Hash,
    byte[] CoordinatorSignature)
{
    /// <summary>Hash length in bytes.</summary>
    public const int HashSize = 32;

    /// <summary>The previous hash of the first entry: 32 zero bytes.</summary>
    public static byte[] ZeroHash => new byte[HashSize];

    /// <summary>The hash as lowercase hex.</summary>
    public string HashHex => Convert.ToHexStringLower(Hash);
}

/// <summary>The first entry's content: who signs the chain and whether the ledger may mint.</summary>
public sealed record GenesisBody(byte[] CoordinatorPublicKey, string CoordinatorAddress, bool Devnet);

/// <summary>The head of the chain: the last entry's sequence number, hash and time.</summary>
public readonly record struct ChainHead(long Sequence, byte[] Hash, long Timestamp)
{
    /// <summary>The head of an empty chain.</summary>
    public static ChainHead Empty => new(0, LedgerEntry.ZeroHash, 0);
}
