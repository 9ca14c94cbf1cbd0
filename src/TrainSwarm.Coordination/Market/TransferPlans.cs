using TrainSwarm.Coordination.Records;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Market;

/// <summary>
/// What a round payment leaves behind: the transfers to commit (in order), the receipt's lines and fees with their
/// transfer ids, and the reservation that holds what is left of the budget.
/// </summary>
/// <param name="PostTransferId">The post moving the round's total out of the reservation (hex), null when nothing was charged.</param>
/// <param name="Reservation">The open reservation after the payment (hex), null when none is left open.</param>
/// <param name="Reserved">Micro-tokens that reservation holds.</param>
public sealed record RoundPaymentPlan(
    IReadOnlyList<TransferRequest> Transfers, IReadOnlyList<RewardLine> Lines, FeeLine ValidatorFee, FeeLine ProtocolFee,
    string? PostTransferId, string? Reservation, long Reserved, IReadOnlyList<FeeLine>? ValidatorShares = null);

/// <summary>
/// The ledger transfers the market needs, as pure functions: a node's stake and its release, a round's payment out of
/// the job's escrow, and the refund at the job's end. Every id derives from what the transfer is for
/// (<see cref="MarketIds"/>), so planning the same step twice plans the same transfers, and the ledger answers the
/// second submission "exists".
/// </summary>
public static class TransferPlans
{
    /// <summary>Stakes expire this long after a round's phases would have ended, should the coordinator never release them.</summary>
    public const int StakeGraceSeconds = 3600;

    /// <summary>The pending transfer locking <paramref name="amount"/> of <paramref name="node"/>'s wallet for one round attempt.</summary>
    public static TransferRequest Stake(string node, RoundRecord round, JobSpec spec, long amount)
    {
        var timeout = checked((uint)(spec.OpenSeconds + spec.TrainSeconds + spec.ValidateSeconds + StakeGraceSeconds));
        return TransferRequest.Pending(MarketIds.Stake(round.Id, round.Attempt, node), MarketIds.Wallet(node), MarketIds.StakeAccount(node),
            amount, Reason.Stake, timeout, round.JobId, round.Index);
    }

    /// <summary>
    /// The transfers settling every participant's stake of a closed round attempt: a node in <paramref name="frauds"/>
    /// (proved by replay) loses its stake of <paramref name="amount"/> to the protocol's fees account, everyone else's
    /// is voided back. The stake's post and the slash carry ids derived from (round, attempt, node), so planning this
    /// twice plans the same transfers and a node is slashed at most once for a round attempt; a node gets either the
    /// void or the slash, never both, since both resolve the same pending stake.
    /// </summary>
    /// <param name="coordinator">The coordinator's address: the slashed stake goes to its (protocol) fees account.</param>
    public static IReadOnlyList<TransferRequest> SettleStakes(RoundRecord round, IReadOnlySet<string> frauds, long amount, string coordinator)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(frauds);
        var transfers = new List<TransferRequest>();
        foreach (var p in round.Participants.DistinctBy(p => p.Node))
        {
            if (!frauds.Contains(p.Node) || amount <= 0)
            {
                transfers.Add(TransferRequest.Void(MarketIds.Unstake(round.Id, round.Attempt, p.Node),
                    MarketIds.Stake(round.Id, round.Attempt, p.Node), Reason.Stake, round.JobId, round.Index));
                continue;
            }
            // A post must keep its pending transfer's reason (stake); the move out of the stake account is the slash.
            transfers.Add(TransferRequest.Post(MarketIds.SlashPost(round.Id, round.Attempt, p.Node), MarketIds.Stake(round.Id, round.Attempt, p.Node),
                amount, Reason.Stake, round.JobId, round.Index));
            transfers.Add(TransferRequest.Single(MarketIds.Slash(round.Id, round.Attempt, p.Node), MarketIds.StakeAccount(p.Node),
                MarketIds.Fees(coordinator), amount, Reason.Slash, round.JobId, round.Index));
        }
        return transfers;
    }

    /// <summary>The voids returning every participant's stake of a closed round attempt.</summary>
    public static IReadOnlyList<TransferRequest> ReleaseStakes(RoundRecord round) =>
        round.Participants.Select(p => TransferRequest.Void(MarketIds.Unstake(round.Id, round.Attempt, p.Node),
            MarketIds.Stake(round.Id, round.Attempt, p.Node), Reason.Stake, round.JobId, round.Index)).ToList();

    /// <summary>
    /// Pays a validated round: posts its total out of the open <paramref name="reservation"/> (the post releases the
    /// rest), reserves what is left again until <paramref name="expiresAt"/>, and pays each node and fee from the
    /// job's escrow account. A round that charges nothing moves nothing and keeps the reservation open.
    /// </summary>
    /// <param name="coordinator">The coordinator's address: it owns the escrow account and is paid the protocol fee.</param>
    public static RoundPaymentPlan RoundPayment(
        string coordinator, string jobId, string creator, int index, string validator, RoundCharge charge,
        string? reservation, long reserved, DateTimeOffset expiresAt, DateTimeOffset now) =>
        RoundPayment(coordinator, jobId, creator, index, [validator], charge, reservation, reserved, expiresAt, now);

    /// <summary>
    /// Pays a validated round as above, the validator fee going to <paramref name="validators"/>: the one validator's
    /// fee transfer as always, or, for the agreeing validators of a quorum (in the order they posted), one transfer per
    /// share of <see cref="FeeSplit.Split"/>.
    /// </summary>
    public static RoundPaymentPlan RoundPayment(
        string coordinator, string jobId, string creator, int index, IReadOnlyList<string> validators, RoundCharge charge,
        string? reservation, long reserved, DateTimeOffset expiresAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(validators);
        ArgumentNullException.ThrowIfNull(charge);
        var account = MarketIds.EscrowAccount(coordinator, jobId);
        var left = reserved - charge.Total;
        string? postId = null;
        var transfers = new List<TransferRequest>();
        if (charge.Total > 0)
        {
            var post = TransferRequest.Post(MarketIds.Post(jobId, index), TransferWire.ParseId(reservation, "reservation"), charge.Total,
                Reason.Escrow, jobId, index);
            transfers.Add(post);
            postId = TransferWire.Hex(post.Id);
            reservation = null;
            if (left > 0)
            {
                var timeout = (uint)Math.Max(1, Math.Ceiling((expiresAt - now).TotalSeconds));
                var again = TransferRequest.Pending(MarketIds.Reserve(jobId, index), MarketIds.Wallet(creator), account, left,
                    Reason.Escrow, timeout, jobId, index);
                transfers.Add(again);
                reservation = TransferWire.Hex(again.Id);
            }
        }
        var lines = new List<RewardLine>();
        foreach (var line in charge.Lines)
        {
            if (line.Payout == 0)
            {
                lines.Add(line);
                continue;
            }
            var payout = TransferRequest.Single(MarketIds.Payout(jobId, index, line.Node), account, MarketIds.Claimable(line.Node),
                line.Payout, Reason.Payout, jobId, index);
            transfers.Add(payout);
            lines.Add(line with { TransferId = TransferWire.Hex(payout.Id) });
        }
        IReadOnlyList<FeeLine>? shares = null;
        FeeLine validatorFee;
        if (validators.Count == 1)
            validatorFee = Fee(transfers, account, jobId, index, validators[0], "validator", charge.ValidatorFee);
        else
        {
            validatorFee = new FeeLine(validators[0], "validator", charge.ValidatorFee, null, 0);
            shares = FeeSplit.Split(charge.ValidatorFee, validators).Select(share =>
            {
                if (share.Amount == 0)
                    return new FeeLine(share.Validator, "validator-share", 0, null, 0);
                var transfer = TransferRequest.Single(MarketIds.ValidatorShare(jobId, index, share.Validator), account, MarketIds.Fees(share.Validator),
                    share.Amount, Reason.Fee, jobId, index);
                transfers.Add(transfer);
                return new FeeLine(share.Validator, "validator-share", share.Amount, TransferWire.Hex(transfer.Id), 0);
            }).ToList();
        }
        var protocolFee = Fee(transfers, account, jobId, index, coordinator, "protocol", charge.ProtocolFee);
        return new RoundPaymentPlan(transfers, lines, validatorFee, protocolFee, postId, reservation, left, shares);
    }

    /// <summary>The void returning the job's open reservation to its creator; null when none is open or it holds nothing.</summary>
    public static TransferRequest? Refund(string jobId, string? reservation, long reserved) =>
        reservation is null || reserved == 0
            ? null
            : TransferRequest.Void(MarketIds.Refund(jobId), TransferWire.ParseId(reservation, "reservation"), Reason.Escrow, jobId);

    private static FeeLine Fee(List<TransferRequest> transfers, UInt128 account, string job, int index, string payee, string kind, long amount)
    {
        if (amount == 0)
            return new FeeLine(payee, kind, 0, null, 0);
        var fee = TransferRequest.Single(MarketIds.Fee(job, index, kind), account, MarketIds.Fees(payee), amount, Reason.Fee, job, index);
        transfers.Add(fee);
        return new FeeLine(payee, kind, amount, TransferWire.Hex(fee.Id), 0);
    }
}
