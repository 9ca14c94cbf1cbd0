using TrainSwarm.Ledger;

namespace TrainSwarm.Protocol.Wire;

/// <summary>
/// A job submission: the spec, the quote it was priced with, the budget and deadline, and the creator's signed escrow
/// (<see cref="MarketTerms.Escrow"/>): a pending transfer of the budget from the creator's wallet.
/// </summary>
/// <param name="Budget">Micro-tokens reserved for the job; at least the quote's total unless <paramref name="PartialBudget"/>.</param>
/// <param name="DeadlineSeconds">The job ends (and the rest of the escrow returns) this many seconds after submission.</param>
/// <param name="PartialBudget">The creator accepts a budget below the quote: the job trains until the budget is spent.</param>
public sealed record JobSubmission(JobSpec Spec, string QuoteId, long Budget, int DeadlineSeconds, SignedTransferWire Escrow, bool PartialBudget = false);

/// <summary>Where a job's money stands.</summary>
/// <param name="Quoted">The quote's total, micro-tokens: the most the job will bill unless the budget is lower.</param>
/// <param name="Budget">Reserved from the creator's wallet at submission.</param>
/// <param name="EscrowTransferId">The creator's pending transfer that reserved the budget.</param>
/// <param name="Spent">Billed so far: payouts and fees of settled rounds.</param>
/// <param name="Refunded">Returned to the creator when the job ended; null while it runs.</param>
public sealed record JobBilling(
    string QuoteId, long Quoted, long Budget, DateTimeOffset Deadline, bool PartialBudget, string EscrowTransferId, long Spent, long? Refunded);

/// <summary>
/// What a round pays, fixed when the job is submitted (from its quote): micro-tokens per compute unit (10^9 training
/// FLOPs), the FLOPs of one training sample, the most samples one update is paid for (inner steps × batch size), and
/// the fees in basis points of the compute paid.
/// </summary>
public sealed record RewardTerms(long PricePerUnit, long TrainingFlopsPerSample, long MaxSamplesPerUpdate, int ValidatorFeeBps, int ProtocolFeeBps);

/// <summary>
/// One update's pay and why: the samples paid for (at most the terms' maximum), their FLOPs, the holdout losses the
/// quality weight comes from, the weight in basis points (10000 = full pay) and the payout in micro-tokens.
/// payout = floor(flops × price × quality × budget scale / (10^9 × 10000 × 10000)).
/// </summary>
/// <param name="TransferId">The payout's ledger transfer (null when nothing is paid).</param>
/// <param name="Sequence">The ledger entry that committed it (0 until it is committed).</param>
/// <param name="Contribution">The verdict's contribution check: the norms and similarities a zero, copied or replayed delta is caught by.</param>
/// <param name="Fraud">The validator proved the update fraudulent by replay (the reason says where): paid 0, stake slashed.</param>
/// <param name="BaseReturn">For an rl job: the verdict's base mean return (<paramref name="Samples"/> are environment steps then).</param>
/// <param name="UpdatedReturn">For an rl job: the verdict's mean return of global + delta, which the quality weight follows.</param>
/// <param name="BaseCorrect">For a grpo job: held-out prompts the global answered exactly (<paramref name="Samples"/> are sequence tokens then).</param>
/// <param name="UpdatedCorrect">For a grpo job: those global + delta answered exactly, which the quality weight follows.</param>
public sealed record RewardLine(
    string Node, bool Accepted, string? Reason, long Samples, long Flops, double BaseLoss, double UpdatedLoss, int QualityBps,
    long Payout, string? TransferId, long Sequence, Contribution? Contribution = null, bool? Fraud = null, double? BaseReturn = null,
    double? UpdatedReturn = null, int? BaseCorrect = null, int? UpdatedCorrect = null);

/// <summary>A fee paid from a round: to the validator that judged it, or to the protocol (the coordinator).</summary>
public sealed record FeeLine(string Payee, string Kind, long Amount, string? TransferId, long Sequence);

/// <summary>
/// A round's reward receipt: every update's pay with its inputs, the fees, and the ledger transfers that moved them.
/// </summary>
/// <param name="BudgetScaleBps">10000, or less when the rest of the budget could not pay the round in full (every line scaled alike).</param>
/// <param name="Total">Payouts + fees: what the creator is billed for this round.</param>
/// <param name="PostTransferId">The post that moved <paramref name="Total"/> out of the creator's reservation (null when the total is 0).</param>
/// <param name="Settled">True once every transfer of the round is committed to the ledger.</param>
/// <param name="ValidatorShares">
/// For a round judged by a quorum of validators: the validator fee's shares, one per agreeing validator, each its own
/// transfer (then <paramref name="ValidatorFee"/> is their sum and names no transfer). Null for a single validator.
/// </param>
/// <param name="Dissenters">Validators whose result disagreed with the quorum's: they earn no fee for the round (null when none).</param>
public sealed record RoundRewards(
    string JobId, string RoundId, int Index, int Attempt, string Validator, RewardTerms Terms, int BudgetScaleBps,
    IReadOnlyList<RewardLine> Lines, FeeLine ValidatorFee, FeeLine ProtocolFee, long Total,
    string? PostTransferId, long PostSequence, bool Settled, IReadOnlyList<FeeLine>? ValidatorShares = null,
    IReadOnlyList<string>? Dissenters = null);

/// <summary>
/// A job's itemized bill: the quote, the reservation, every round's lines, the fees, the total and the refund, each
/// with the ledger entry that proves it. <see cref="TotalBilled"/> + <see cref="Refund"/> = <see cref="Reserved"/>
/// once the job is settled.
/// </summary>
public sealed record Invoice(
    string JobId, string Creator, JobStatus Status, string? StatusReason, Quote Quote, long Reserved,
    string EscrowTransferId, long EscrowSequence, IReadOnlyList<RoundRewards> Rounds,
    long ComputePaid, long ValidatorFees, long ProtocolFees, long TotalBilled,
    long? Refund, string? RefundTransferId, long RefundSequence, bool Settled, string? SampleUnit = null);

/// <summary>A node's track record: updates judged, rounds dropped, tokens earned and what it has staked now.</summary>
/// <param name="Frauds">Updates a validator proved fraudulent by replay (each cost the node its stake for that round).</param>
/// <param name="Slashed">Micro-tokens of stake the node lost to those frauds.</param>
public sealed record Reputation(int Accepted, int Rejected, int Dropped, long Earned, long Staked, int Frauds = 0, long Slashed = 0);

/// <summary>
/// Every market transfer id and account id, derived from what it is for, so a retried step reuses its id and the
/// ledger answers "exists" instead of moving tokens twice. Clients use them too (escrow, claims).
/// </summary>
public static class MarketIds
{
    public static UInt128 Wallet(string owner) => AccountIds.For(owner, AccountKind.Wallet);
    public static UInt128 Claimable(string owner) => AccountIds.For(owner, AccountKind.Claimable);
    public static UInt128 StakeAccount(string owner) => AccountIds.For(owner, AccountKind.Stake);
    public static UInt128 Fees(string owner) => AccountIds.For(owner, AccountKind.Fees);
    public static UInt128 EscrowAccount(string coordinator, string jobId) => AccountIds.For(coordinator, AccountKind.Escrow, jobId);

    /// <summary>The creator's pending transfer reserving a job's budget.</summary>
    public static UInt128 Escrow(string jobId) => AccountIds.TransferFor($"escrow\0{jobId}");
    /// <summary>The reservation of what is left after round <paramref name="index"/> is paid.</summary>
    public static UInt128 Reserve(string jobId, int index) => AccountIds.TransferFor($"reserve\0{jobId}\0{index}");
    /// <summary>The post moving round <paramref name="index"/>'s total out of the reservation.</summary>
    public static UInt128 Post(string jobId, int index) => AccountIds.TransferFor($"post\0{jobId}\0{index}");
    public static UInt128 Payout(string jobId, int index, string node) => AccountIds.TransferFor($"payout\0{jobId}\0{index}\0{node}");
    public static UInt128 Fee(string jobId, int index, string kind) => AccountIds.TransferFor($"fee\0{jobId}\0{index}\0{kind}");
    /// <summary>One agreeing validator's share of round <paramref name="index"/>'s validator fee (a round judged by a quorum).</summary>
    public static UInt128 ValidatorShare(string jobId, int index, string validator) =>
        AccountIds.TransferFor($"fee\0{jobId}\0{index}\0validator\0{validator}");
    /// <summary>The void returning the unspent reservation when the job ends.</summary>
    public static UInt128 Refund(string jobId) => AccountIds.TransferFor($"refund\0{jobId}");
    public static UInt128 Stake(string roundId, int attempt, string node) => AccountIds.TransferFor($"stake\0{roundId}\0{attempt}\0{node}");
    public static UInt128 Unstake(string roundId, int attempt, string node) => AccountIds.TransferFor($"unstake\0{roundId}\0{attempt}\0{node}");
    /// <summary>The post that takes a caught node's pending stake for a round attempt into its stake account.</summary>
    public static UInt128 SlashPost(string roundId, int attempt, string node) => AccountIds.TransferFor($"slashpost\0{roundId}\0{attempt}\0{node}");
    /// <summary>The transfer moving a caught node's posted stake to the protocol's fees account (reason slash).</summary>
    public static UInt128 Slash(string roundId, int attempt, string node) => AccountIds.TransferFor($"slash\0{roundId}\0{attempt}\0{node}");
    public static UInt128 Claim(string roundId, string node) => AccountIds.TransferFor($"claim\0{roundId}\0{node}");
}

/// <summary>The transfers clients sign, built one way for every client (CLI, daemon, dashboard tests).</summary>
public static class MarketTerms
{
    /// <summary>The escrow expires this long after the job's deadline, so the budget returns even if the coordinator never does.</summary>
    public const uint EscrowGraceSeconds = 3600;

    /// <summary>The creator's reservation of <paramref name="budget"/> for job <paramref name="jobId"/> (the id its quote names).</summary>
    public static TransferRequest Escrow(string creator, string coordinator, string jobId, long budget, int deadlineSeconds) =>
        TransferRequest.Pending(MarketIds.Escrow(jobId), MarketIds.Wallet(creator), MarketIds.EscrowAccount(coordinator, jobId), budget,
            Reason.Escrow, checked((uint)deadlineSeconds + EscrowGraceSeconds), jobId);

    /// <summary>A node moving its payout for a round from its claimable balance into its wallet.</summary>
    public static TransferRequest Claim(string node, string jobId, int index, string roundId, long amount) =>
        TransferRequest.Single(MarketIds.Claim(roundId, node), MarketIds.Claimable(node), MarketIds.Wallet(node), amount, Reason.Transfer, jobId, index);
}
