using Microsoft.Extensions.Logging;
using TrainSwarm.Coordination.Market;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.State;

/// <summary>
/// The market around the rounds: the creator's escrow at submission, a node's stake at joining, and, when a round
/// closes or a job ends, the payouts, fees, released stakes and refund, planned with the state change and committed to
/// the ledger from the outbox.
/// </summary>
public sealed partial class SwarmService
{
    /// <summary>Stakes expire this long after a round's phases would have ended, should the coordinator never release them.</summary>
    private const int StakeGraceSeconds = 3600;

    /// <summary>The shortest and longest deadlines a job may have, in seconds.</summary>
    public const int MinDeadlineSeconds = 5, MaxDeadlineSeconds = 30 * 86_400;

    /// <summary>
    /// Checks that <paramref name="submission"/> matches its quote and that its escrow is exactly the reservation of its
    /// budget, then commits the escrow to the ledger. Returns the job's billing; throws a 4xx for anything wrong.
    /// </summary>
    private async Task<(Quote Quote, JobBilling Billing)> EscrowAsync(string creator, JobSubmission submission, CancellationToken cancellation)
    {
        var quote = _quotes.GetValueOrDefault(submission.QuoteId ?? "")
            ?? throw ApiProblemException.NotFound($"no quote {submission.QuoteId}; price the spec first (POST {Routes.JobQuote})");
        if (Quote.DigestOf(submission.Spec) != quote.SpecDigest)
            throw ApiProblemException.BadRequest($"the spec differs from the one quote {quote.Id} priced; quote this spec");
        if (Now > quote.ValidUntil)
            throw new ApiProblemException(409, "Quote expired", $"quote {quote.Id} expired at {quote.ValidUntil:u}; get a new quote");
        if (submission.Budget <= 0)
            throw ApiProblemException.BadRequest("budget must be a positive number of micro-tokens");
        if (submission.Budget < quote.Total && !submission.PartialBudget)
            throw ApiProblemException.BadRequest(
                $"budget {Asset.Format(submission.Budget)} is below the quote's total {Asset.Format(quote.Total)} tokens; raise it, or accept a partial job (partialBudget) that trains until the budget is spent");
        if (submission.DeadlineSeconds is < MinDeadlineSeconds or > MaxDeadlineSeconds)
            throw ApiProblemException.BadRequest($"deadlineSeconds must be between {MinDeadlineSeconds} and {MaxDeadlineSeconds} (30 days)");
        if (submission.Escrow?.Transfer is null)
            throw ApiProblemException.BadRequest("escrow is required: the creator's signed pending transfer of the budget");
        SignedTransfer escrow;
        try
        {
            escrow = submission.Escrow.ToSigned();
        }
        catch (FormatException e)
        {
            throw ApiProblemException.BadRequest("escrow: " + e.Message);
        }
        if (escrow.Actor!.Address != creator)
            throw ApiProblemException.Forbidden($"the escrow must be signed by the submitting creator {creator}");
        var expected = MarketTerms.Escrow(creator, Identity.Address, quote.JobId, submission.Budget, submission.DeadlineSeconds);
        if ((escrow.Request.Id != expected.Id ? "Id" : expected.FirstDifference(escrow.Request)) is { } field)
            throw ApiProblemException.BadRequest($"escrow.{char.ToLowerInvariant(field[0])}{field[1..]} differs from the reservation this submission needs (see MarketTerms.Escrow)");

        await OpenAccountsAsync([new NewAccount(MarketIds.Wallet(creator), creator, AccountKind.Wallet),
            new NewAccount(MarketIds.EscrowAccount(Identity.Address, quote.JobId), Identity.Address, AccountKind.Escrow)], cancellation);
        var result = (await _ledger.SubmitAsync([escrow], Now, CancellationToken.None))[0];
        if (result.Status == TransferStatus.InsufficientFunds)
        {
            var wallet = await _ledger.GetAccountAsync(MarketIds.Wallet(creator), cancellation);
            throw new ApiProblemException(402, "Insufficient funds",
                $"wallet {creator} has {Asset.Format(wallet?.Available ?? 0)} tokens available; the budget needs {Asset.Format(submission.Budget)}. Fund the wallet (on a devnet: swarm wallet faucet)");
        }
        if (!result.Succeeded)
            throw ApiProblemException.BadRequest($"the ledger refused the escrow: {Kebab(result.Status)}");
        return (quote, new JobBilling(quote.Id, quote.Total, submission.Budget, Now.AddSeconds(submission.DeadlineSeconds), submission.PartialBudget,
            TransferWire.Hex(escrow.Request.Id), 0, null));
    }

    /// <summary>The market record of a job just submitted: its terms and its first reservation, the whole budget.</summary>
    private EscrowRecord NewEscrow(JobView job, Quote quote, JobBilling billing) => new(
        job.Id, job.Creator, quote, Settlement.TermsFor(quote, job.Spec), billing.Budget, billing.Deadline,
        billing.Deadline.AddSeconds(MarketTerms.EscrowGraceSeconds), billing.PartialBudget,
        billing.EscrowTransferId, billing.Budget, 0, [], null, null, null);

    /// <summary>Locks the node's stake for a round attempt before it joins; a node that cannot pay it gets a 402.</summary>
    private async Task StakeAsync(string node, JobView job, RoundView round, CancellationToken cancellation)
    {
        if (Options.StakePerRound <= 0)
            return;
        var timeout = checked((uint)(job.Spec.OpenSeconds + job.Spec.TrainSeconds + job.Spec.ValidateSeconds + StakeGraceSeconds));
        var stake = TransferRequest.Pending(MarketIds.Stake(round.Id, round.Attempt, node), MarketIds.Wallet(node), MarketIds.StakeAccount(node),
            Options.StakePerRound, Reason.Stake, timeout, job.Id, round.Index);
        await OpenAccountsAsync(NodeAccounts(node), cancellation);
        var result = (await _ledger.SubmitAsync([stake], Now, CancellationToken.None))[0];
        if (result.Status == TransferStatus.InsufficientFunds)
        {
            var wallet = await _ledger.GetAccountAsync(MarketIds.Wallet(node), cancellation);
            throw new ApiProblemException(402, "Insufficient stake",
                $"joining round {round.Id} locks a stake of {Asset.Format(Options.StakePerRound)} tokens; wallet {node} has {Asset.Format(wallet?.Available ?? 0)} available. Fund it (on a devnet: swarm wallet faucet)");
        }
        if (!result.Succeeded)
            throw new InvalidOperationException($"the ledger refused the stake of {node} for {round.Id}: {result.Status}");
    }

    /// <summary>
    /// Plans the money side of a closed round attempt and of a job's end: stakes back to every participant; for a
    /// validated round, the payouts and fees; for an ended job, the refund. Returns the job with its billing updated.
    /// </summary>
    /// <param name="closed">The round attempt that closed now (null when none did: its stakes were released before).</param>
    private JobView PlanMoney(Changes changes, JobView job, RoundView? closed, RoundResult? result, RoundCharge? charge)
    {
        if (closed is not null)
            ReleaseStakes(changes, closed);
        if (_escrows.GetValueOrDefault(job.Id) is not { } escrow)
            return job;
        if (closed is not null && result is not null && charge is not null)
            escrow = PlanRoundPayment(changes, escrow, closed, result, charge);
        if (job.Status != JobStatus.Running && escrow.Refund is null)
            escrow = PlanRefund(changes, escrow);
        PutEscrow(changes, escrow);
        return job with { Billing = job.Billing! with { Spent = escrow.Spent, Refunded = escrow.Refund } };
    }

    /// <summary>The charge for a validated round against what is left of the job's budget, and whether that ends a partial budget.</summary>
    private (RoundCharge? Charge, bool BudgetSpent) Charge(JobView job, RoundResult? result)
    {
        if (result is null || _escrows.GetValueOrDefault(job.Id) is not { } escrow)
            return (null, false);
        var charge = Settlement.Round(escrow.Terms, result.Verdicts, escrow.Reserved);
        return (charge, escrow.Partial && Settlement.BudgetSpent(escrow.Terms, escrow.Reserved - charge.Total));
    }

    private void ReleaseStakes(Changes changes, RoundView round)
    {
        if (Options.StakePerRound <= 0)
            return;
        foreach (var p in round.Participants)
            Enqueue(changes, TransferRequest.Void(MarketIds.Unstake(round.Id, round.Attempt, p.Node), MarketIds.Stake(round.Id, round.Attempt, p.Node),
                Reason.Stake, round.JobId, round.Index), null);
    }

    /// <summary>
    /// Posts the round's total out of the open reservation (the post releases the rest), reserves the rest again, and
    /// pays each node and fee from the job's escrow account.
    /// </summary>
    private EscrowRecord PlanRoundPayment(Changes changes, EscrowRecord escrow, RoundView round, RoundResult result, RoundCharge charge)
    {
        var (job, index) = (escrow.JobId, round.Index);
        var account = MarketIds.EscrowAccount(Identity.Address, job);
        var left = escrow.Reserved - charge.Total;
        var reservation = escrow.Reservation;
        string? postId = null;
        var transfers = new List<TransferRequest>();
        if (charge.Total > 0)
        {
            var post = TransferRequest.Post(MarketIds.Post(job, index), TransferWire.ParseId(reservation, "reservation"), charge.Total, Reason.Escrow, job, index);
            transfers.Add(post);
            postId = TransferWire.Hex(post.Id);
            reservation = null;
            if (left > 0)
            {
                var timeout = (uint)Math.Max(1, Math.Ceiling((escrow.ExpiresAt - Now).TotalSeconds));
                var again = TransferRequest.Pending(MarketIds.Reserve(job, index), MarketIds.Wallet(escrow.Creator), account, left, Reason.Escrow, timeout, job, index);
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
            var payout = TransferRequest.Single(MarketIds.Payout(job, index, line.Node), account, MarketIds.Claimable(line.Node), line.Payout, Reason.Payout, job, index);
            transfers.Add(payout);
            lines.Add(line with { TransferId = TransferWire.Hex(payout.Id) });
        }
        var validatorFee = Fee(transfers, account, job, index, result.Validator, "validator", charge.ValidatorFee);
        var protocolFee = Fee(transfers, account, job, index, Identity.Address, "protocol", charge.ProtocolFee);
        for (var i = 0; i < transfers.Count; i++)
            Enqueue(changes, transfers[i], i == transfers.Count - 1 ? $"round:{round.Id}" : null);
        var rewards = new RoundRewards(job, round.Id, index, round.Attempt, result.Validator, escrow.Terms, charge.ScaleBps, lines,
            validatorFee, protocolFee, charge.Total, postId, 0, false);
        return escrow with { Reservation = reservation, Reserved = left, Spent = escrow.Spent + charge.Total, Rounds = [.. escrow.Rounds, rewards] };
    }

    private FeeLine Fee(List<TransferRequest> transfers, UInt128 account, string job, int index, string payee, string kind, long amount)
    {
        if (amount == 0)
            return new FeeLine(payee, kind, 0, null, 0);
        var fee = TransferRequest.Single(MarketIds.Fee(job, index, kind), account, MarketIds.Fees(payee), amount, Reason.Fee, job, index);
        transfers.Add(fee);
        return new FeeLine(payee, kind, amount, TransferWire.Hex(fee.Id), 0);
    }

    /// <summary>Voids the open reservation: the unspent budget is the creator's again at once.</summary>
    private EscrowRecord PlanRefund(Changes changes, EscrowRecord escrow)
    {
        if (escrow.Reservation is null || escrow.Reserved == 0)
        {
            changes.Event(escrow.JobId, null, new Happening(EventTypes.JobSettled, null,
                $"job {escrow.JobId} settled: billed {Asset.Format(escrow.Spent)} of {Asset.Format(escrow.Budget)} tokens, nothing to refund"));
            return escrow with { Refund = 0 };
        }
        var refund = TransferRequest.Void(MarketIds.Refund(escrow.JobId), TransferWire.ParseId(escrow.Reservation, "reservation"), Reason.Escrow, escrow.JobId);
        Enqueue(changes, refund, $"job:{escrow.JobId}");
        return escrow with { Refund = escrow.Reserved, RefundTransferId = TransferWire.Hex(refund.Id), RefundOf = escrow.Reservation, Reservation = null, Reserved = 0 };
    }

    private void Enqueue(Changes changes, TransferRequest transfer, string? completes)
    {
        var item = new OutboxItem(++_lastOutbox, TransferWire.From(transfer), completes, null);
        var key = Kinds.OutboxKey(item.Seq);
        changes.Put(Kinds.Outbox, key, item, () => _outbox[key] = item);
    }

    private void PutEscrow(Changes changes, EscrowRecord escrow) => changes.Put(Kinds.Escrow, escrow.JobId, escrow, () => _escrows[escrow.JobId] = escrow);

    /// <summary>Commits waiting outbox transfers to the ledger (under the gate), records each answer and announces settled rounds and jobs.</summary>
    private async Task DrainOutboxUnderGateAsync()
    {
        var due = _outbox.Values.Where(i => i.Status is null).OrderBy(i => i.Seq).ToList();
        if (due.Count == 0)
            return;
        IReadOnlyList<TransferResult> results;
        try
        {
            results = await _ledger.SubmitAsync(due.Select(i => new SignedTransfer(i.Transfer.ToRequest())).ToList(), Now, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing was answered, so nothing is marked: the next drain submits the same ids again.
            _log.LogWarning(e, "ledger outbox drain failed; will retry");
            return;
        }
        var changes = new Changes();
        for (var i = 0; i < due.Count; i++)
        {
            var (item, status) = (due[i], results[i].Status);
            if (!Settled(item.Transfer, status))
                _log.LogError("ledger refused planned transfer {Id} ({Reason} {Amount}): {Status}", item.Transfer.Id, item.Transfer.Reason, item.Transfer.Amount, status);
            var done = item with { Status = Kebab(status) };
            var key = Kinds.OutboxKey(item.Seq);
            changes.Put(Kinds.Outbox, key, done, () => _outbox[key] = done);
            AnnounceSettled(changes, item.Completes);
        }
        try
        {
            await CommitAsync(changes, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log.LogWarning(e, "recording ledger answers failed; the transfers are committed and will be answered 'exists' next time");
        }
    }

    // A release finds nothing to release when the ledger expired it first, or (for a stake) when none was taken because
    // the coordinator ran without stakes at the time: that is settled too. A missing escrow reservation is not.
    private static bool Settled(TransferWire transfer, TransferStatus status) =>
        status is TransferStatus.Ok or TransferStatus.Exists
        || (transfer.Kind == TransferKind.Void && status is TransferStatus.PendingExpired or TransferStatus.PendingAlreadyVoided)
        || (transfer.Kind == TransferKind.Void && transfer.Reason == Reason.Stake && status == TransferStatus.PendingNotFound);

    private void AnnounceSettled(Changes changes, string? completes)
    {
        if (completes?.Split(':', 2) is not [var what, var id])
            return;
        if (what == "round" && _escrows.Values.SelectMany(e => e.Rounds).LastOrDefault(r => r.RoundId == id) is { } rewards)
            changes.Event(rewards.JobId, id, new Happening(EventTypes.RoundSettled, null,
                $"round {rewards.Index} settled: {Asset.Format(rewards.Lines.Sum(l => l.Payout))} tokens to {rewards.Lines.Count(l => l.Payout > 0)} nodes, fees {Asset.Format(rewards.ValidatorFee.Amount + rewards.ProtocolFee.Amount)}",
                new { rewards.Total }));
        else if (what == "job" && _escrows.GetValueOrDefault(id) is { } escrow)
            changes.Event(id, null, new Happening(EventTypes.JobSettled, null,
                $"job {id} settled: billed {Asset.Format(escrow.Spent)} of {Asset.Format(escrow.Budget)} tokens, refunded {Asset.Format(escrow.Refund ?? 0)}",
                new { escrow.Spent, escrow.Refund }));
    }

    /// <summary>Commits anything left in the outbox (after a restart, or after a failed drain).</summary>
    public async Task DrainOutboxAsync(CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation);
        try
        {
            await DrainOutboxUnderGateAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A round's reward receipt with the ledger entries that committed it; null when the round has not been paid.</summary>
    public async Task<RoundRewards?> RoundRewardsAsync(string roundId, CancellationToken cancellation)
    {
        var rewards = await ReadAsync(() => _escrows.Values.SelectMany(e => e.Rounds).LastOrDefault(r => r.RoundId == roundId), cancellation);
        return rewards is null ? null : await WithSequencesAsync(rewards, cancellation);
    }

    /// <summary>A job's invoice, every line with the ledger entry that proves it; null when the job does not exist or has no billing.</summary>
    public async Task<Invoice?> InvoiceAsync(string jobId, CancellationToken cancellation)
    {
        var (job, escrow) = await ReadAsync(() => (_jobs.GetValueOrDefault(jobId), _escrows.GetValueOrDefault(jobId)), cancellation);
        if (job is null || escrow is null)
            return null;
        var rounds = new List<RoundRewards>();
        foreach (var r in escrow.Rounds)
            rounds.Add(await WithSequencesAsync(r, cancellation));
        var escrowSequence = await SequenceOfAsync(job.Billing!.EscrowTransferId, cancellation);
        var refundSequence = await SequenceOfAsync(escrow.RefundTransferId, cancellation);
        if (refundSequence == 0 && escrow.RefundOf is not null)
            refundSequence = await SequenceOfAsync(TransferWire.Hex(AccountIds.ExpiryOf(TransferWire.ParseId(escrow.RefundOf, "refundOf"))), cancellation);
        var compute = rounds.Sum(r => r.Lines.Sum(l => l.Payout));
        var settled = job.Status != JobStatus.Running && escrow.Refund is not null && rounds.All(r => r.Settled) && (escrow.RefundTransferId is null || refundSequence > 0);
        return new Invoice(job.Id, job.Creator, job.Status, job.StatusReason, escrow.Quote, escrow.Budget, job.Billing.EscrowTransferId, escrowSequence,
            rounds, compute, rounds.Sum(r => r.ValidatorFee.Amount), rounds.Sum(r => r.ProtocolFee.Amount), escrow.Spent,
            escrow.Refund, escrow.RefundTransferId, refundSequence, settled);
    }

    private async Task<RoundRewards> WithSequencesAsync(RoundRewards r, CancellationToken cancellation)
    {
        var lines = new List<RewardLine>();
        foreach (var line in r.Lines)
            lines.Add(line with { Sequence = await SequenceOfAsync(line.TransferId, cancellation) });
        var validator = r.ValidatorFee with { Sequence = await SequenceOfAsync(r.ValidatorFee.TransferId, cancellation) };
        var protocol = r.ProtocolFee with { Sequence = await SequenceOfAsync(r.ProtocolFee.TransferId, cancellation) };
        var post = await SequenceOfAsync(r.PostTransferId, cancellation);
        var settled = lines.All(l => l.TransferId is null || l.Sequence > 0) && (validator.TransferId is null || validator.Sequence > 0)
            && (protocol.TransferId is null || protocol.Sequence > 0) && (r.PostTransferId is null || post > 0);
        return r with { Lines = lines, ValidatorFee = validator, ProtocolFee = protocol, PostSequence = post, Settled = settled };
    }

    private async Task<long> SequenceOfAsync(string? transferId, CancellationToken cancellation) =>
        transferId is null ? 0 : (await _ledger.GetTransferAsync(TransferWire.ParseId(transferId, "transfer"), cancellation))?.Sequence ?? 0;

    /// <summary>What one node can expect from a round of a running job, given its terms and remaining budget.</summary>
    private long? ExpectedReward(RoundView round) =>
        round.Status == RoundStatus.Done || _escrows.GetValueOrDefault(round.JobId) is not { } escrow
            ? null
            : Settlement.ExpectedReward(escrow.Terms, round.MaxNodes, escrow.Reserved);

    /// <summary>Micro-tokens paid to <paramref name="node"/> over all jobs.</summary>
    private long EarnedBy(string node) => _escrows.Values.SelectMany(e => e.Rounds).SelectMany(r => r.Lines).Where(l => l.Node == node).Sum(l => l.Payout);

    /// <summary>Micro-tokens <paramref name="node"/> has locked in rounds not yet closed.</summary>
    private long StakedBy(string node) =>
        Options.StakePerRound * CurrentRounds().Count(r => r.Status != RoundStatus.Done && _jobs[r.JobId].Status == JobStatus.Running && r.Participants.Any(p => p.Node == node));

    private static string Kebab<T>(T value) where T : Enum => System.Text.Json.JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
