namespace TrainSwarm.Ledger;

/// <summary>
/// A transfer as its initiator asks for it. This exact record is what an actor signs and what the chain stores.
/// For <see cref="TransferKind.Post"/> and <see cref="TransferKind.Void"/> the accounts may be 0 (taken from the
/// pending transfer) or must equal the pending transfer's.
/// </summary>
/// <param name="Id">Client-chosen, unique, non-zero; a retry reuses it.</param>
/// <param name="Kind">Single, pending, post or void.</param>
/// <param name="DebitAccount">The account tokens leave.</param>
/// <param name="CreditAccount">The account tokens enter.</param>
/// <param name="Amount">Smallest units; 0 for a void.</param>
/// <param name="Reason">Why tokens move.</param>
/// <param name="Job">Reference: the job this belongs to, "" when none (at most 64 characters).</param>
/// <param name="Round">Reference: the round within the job, 0 when none.</param>
/// <param name="PendingId">For post and void: the pending transfer resolved.</param>
/// <param name="TimeoutSeconds">For pending: seconds until it expires, 0 for never.</param>
public sealed record TransferRequest(
    UInt128 Id,
    TransferKind Kind,
    UInt128 DebitAccount,
    UInt128 CreditAccount,
    long Amount,
    Reason Reason,
    string Job = "",
    long Round = 0,
    UInt128 PendingId = default,
    uint TimeoutSeconds = 0)
{
    /// <summary>Longest job reference accepted.</summary>
    public const int MaxJobLength = 64;

    /// <summary>A transfer that moves <paramref name="amount"/> at once.</summary>
    public static TransferRequest Single(UInt128 id, UInt128 debit, UInt128 credit, long amount, Reason reason, string job = "", long round = 0) =>
        new(id, TransferKind.Single, debit, credit, amount, reason, job, round);

    /// <summary>A reservation of <paramref name="amount"/> that a later post, void or expiry resolves.</summary>
    public static TransferRequest Pending(
        UInt128 id, UInt128 debit, UInt128 credit, long amount, Reason reason, uint timeoutSeconds = 0, string job = "", long round = 0) =>
        new(id, TransferKind.Pending, debit, credit, amount, reason, job, round, default, timeoutSeconds);

    /// <summary>Moves <paramref name="amount"/> (at most the reserved amount) of pending transfer <paramref name="pendingId"/>.</summary>
    public static TransferRequest Post(UInt128 id, UInt128 pendingId, long amount, Reason reason, string job = "", long round = 0) =>
        new(id, TransferKind.Post, 0, 0, amount, reason, job, round, pendingId);

    /// <summary>Releases pending transfer <paramref name="pendingId"/>.</summary>
    public static TransferRequest Void(UInt128 id, UInt128 pendingId, Reason reason, string job = "", long round = 0) =>
        new(id, TransferKind.Void, 0, 0, 0, reason, job, round, pendingId);

    /// <summary>The bytes an actor signs to authorize this request (see <see cref="EntryEncoding"/>).</summary>
    public byte[] SigningBytes() => EntryEncoding.RequestBytes(this);

    /// <summary>The first field in which <paramref name="other"/> differs from this request, or null when none does.</summary>
    public string? FirstDifference(TransferRequest other) =>
        Kind != other.Kind ? nameof(Kind)
        : DebitAccount != other.DebitAccount ? nameof(DebitAccount)
        : CreditAccount != other.CreditAccount ? nameof(CreditAccount)
        : Amount != other.Amount ? nameof(Amount)
        : Reason != other.Reason ? nameof(Reason)
        : !string.Equals(Job, other.Job, StringComparison.Ordinal) ? nameof(Job)
        : Round != other.Round ? nameof(Round)
        : PendingId != other.PendingId ? nameof(PendingId)
        : TimeoutSeconds != other.TimeoutSeconds ? nameof(TimeoutSeconds)
        : null;
}

/// <summary>
/// Proof that an actor authorized a request: its address, its public key (SubjectPublicKeyInfo DER) and its
/// signature over <see cref="TransferRequest.SigningBytes"/>.
/// </summary>
public sealed record ActorEvidence(string Address, byte[] PublicKey, byte[] Signature);

/// <summary>A transfer submitted to the ledger, with the actor's evidence when an actor (not the coordinator) initiated it.</summary>
public sealed record SignedTransfer(TransferRequest Request, ActorEvidence? Actor = null);
