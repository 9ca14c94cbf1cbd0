namespace TrainSwarm.Ledger;

/// <summary>A committed transfer with its resolved accounts and, for a pending one, where it stands.</summary>
public sealed class TransferRecord(
    TransferRequest request, long sequence, long timestamp, UInt128 debit, UInt128 credit, long expiresAt,
    PendingStatus status = PendingStatus.None, long postedAmount = 0, long resolvedBy = 0)
{
    /// <summary>The request as committed.</summary>
    public TransferRequest Request { get; } = request;

    /// <summary>The entry that committed it.</summary>
    public long Sequence { get; } = sequence;

    /// <summary>Commit time, Unix milliseconds.</summary>
    public long Timestamp { get; } = timestamp;

    /// <summary>The debit account (for post, void and expire: the pending transfer's).</summary>
    public UInt128 DebitAccount { get; } = debit;

    /// <summary>The credit account (for post, void and expire: the pending transfer's).</summary>
    public UInt128 CreditAccount { get; } = credit;

    /// <summary>For a pending transfer with a timeout: the Unix millisecond at which it expires; otherwise 0.</summary>
    public long ExpiresAt { get; } = expiresAt;

    /// <summary>For a pending transfer: open or how it resolved.</summary>
    public PendingStatus Status { get; internal set; } = status;

    /// <summary>For a posted pending transfer: the amount that moved; the rest of the reservation was released.</summary>
    public long PostedAmount { get; internal set; } = postedAmount;

    /// <summary>For a resolved pending transfer: the entry that resolved it.</summary>
    public long ResolvedBy { get; internal set; } = resolvedBy;

    /// <summary>A copy detached from any snapshot.</summary>
    public TransferRecord Clone() => new(Request, Sequence, Timestamp, DebitAccount, CreditAccount, ExpiresAt, Status, PostedAmount, ResolvedBy);
}
