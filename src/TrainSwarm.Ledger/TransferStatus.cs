namespace TrainSwarm.Ledger;

/// <summary>The outcome of one transfer. Anything but <see cref="Ok"/> and <see cref="Exists"/> changed nothing.</summary>
public enum TransferStatus
{
    /// <summary>Committed now.</summary>
    Ok,
    /// <summary>Committed earlier with the same fields (a retry).</summary>
    Exists,
    /// <summary>The id is taken by a transfer of another kind.</summary>
    ExistsWithDifferentKind,
    /// <summary>The id is taken by a transfer with another debit account.</summary>
    ExistsWithDifferentDebitAccount,
    /// <summary>The id is taken by a transfer with another credit account.</summary>
    ExistsWithDifferentCreditAccount,
    /// <summary>The id is taken by a transfer with another amount.</summary>
    ExistsWithDifferentAmount,
    /// <summary>The id is taken by a transfer with another reason.</summary>
    ExistsWithDifferentReason,
    /// <summary>The id is taken by a transfer with another job reference.</summary>
    ExistsWithDifferentJob,
    /// <summary>The id is taken by a transfer with another round reference.</summary>
    ExistsWithDifferentRound,
    /// <summary>The id is taken by a transfer resolving another pending transfer.</summary>
    ExistsWithDifferentPendingId,
    /// <summary>The id is taken by a transfer with another timeout.</summary>
    ExistsWithDifferentTimeoutSeconds,
    /// <summary>Transfer id 0 is reserved.</summary>
    IdMustNotBeZero,
    /// <summary>Clients may submit single, pending, post and void transfers only.</summary>
    KindInvalid,
    /// <summary>The reason is not one of <see cref="Ledger.Reason"/>.</summary>
    ReasonInvalid,
    /// <summary>The job reference is longer than 64 characters or not printable ASCII.</summary>
    JobInvalid,
    /// <summary>Rounds are numbered from 0.</summary>
    RoundMustNotBeNegative,
    /// <summary>Single and pending transfers must not name a pending transfer.</summary>
    PendingIdMustBeZero,
    /// <summary>Only pending transfers have a timeout.</summary>
    TimeoutOnlyForPending,
    /// <summary>Single, pending and post transfers move at least one unit.</summary>
    AmountMustBePositive,
    /// <summary>A void moves nothing, so its amount is 0.</summary>
    AmountMustBeZero,
    /// <summary>Debit and credit are the same account.</summary>
    AccountsMustDiffer,
    /// <summary>No such debit account.</summary>
    DebitAccountNotFound,
    /// <summary>No such credit account.</summary>
    CreditAccountNotFound,
    /// <summary>Only a mint transfer may debit the mint, and only on a devnet.</summary>
    MintNotAllowed,
    /// <summary>Reason mint needs the mint as its debit account.</summary>
    MintReasonNeedsMintAccount,
    /// <summary>Tokens never flow back into the mint.</summary>
    MintCannotBeCredited,
    /// <summary>The debit account's available balance is smaller than the amount.</summary>
    InsufficientFunds,
    /// <summary>The credit account's balance would overflow.</summary>
    Overflow,
    /// <summary>A payout needs a job reference.</summary>
    PayoutNeedsJob,
    /// <summary>The credit account's owner was already paid for this (job, round).</summary>
    PayoutAlreadyMade,
    /// <summary>Post and void name the pending transfer they resolve.</summary>
    PendingIdRequired,
    /// <summary>No transfer has the pending id.</summary>
    PendingNotFound,
    /// <summary>The pending id names a transfer that is not pending.</summary>
    NotAPendingTransfer,
    /// <summary>The pending transfer was already posted.</summary>
    PendingAlreadyPosted,
    /// <summary>The pending transfer was already voided.</summary>
    PendingAlreadyVoided,
    /// <summary>The pending transfer's timeout has passed.</summary>
    PendingExpired,
    /// <summary>The debit account differs from the pending transfer's.</summary>
    PendingDebitAccountMismatch,
    /// <summary>The credit account differs from the pending transfer's.</summary>
    PendingCreditAccountMismatch,
    /// <summary>The reason differs from the pending transfer's.</summary>
    PendingReasonMismatch,
    /// <summary>A post may move at most the reserved amount.</summary>
    PostExceedsReserved,
    /// <summary>The actor's address is not derived from the public key it presented.</summary>
    ActorAddressMismatch,
    /// <summary>The actor's signature does not verify over the request.</summary>
    ActorSignatureInvalid,
    /// <summary>The actor does not own the account debited, so it may not move its tokens.</summary>
    ActorNotAuthorized,
}

/// <summary>One item's outcome in a transfer batch; <see cref="Sequence"/> is the committing entry (0 when rejected).</summary>
public readonly record struct TransferResult(int Index, UInt128 Id, TransferStatus Status, long Sequence)
{
    /// <summary>True for <see cref="TransferStatus.Ok"/> and <see cref="TransferStatus.Exists"/>.</summary>
    public bool Succeeded => Status is TransferStatus.Ok or TransferStatus.Exists;
}
