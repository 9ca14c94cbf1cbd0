using TrainSwarm.Coordination.Market;
using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Coordinator.Queries;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>
/// What follows a closed round attempt or a job's end, inside the change that closed it: the next round or the job's
/// end, and the money (stakes back to every participant; for a validated round, the payouts and fees; for an ended
/// job, the refund), planned into the outbox with <see cref="TransferPlans"/>.
/// </summary>
public sealed class SettleRound(SwarmState state, CoordinatorOptions options, CoordinatorIdentity identity)
{
    /// <summary>Stores a closed round attempt, bills it when it made the round, and opens the next round or ends the job.</summary>
    /// <param name="result">The validator's result, null when the round closed without one (a retry at a deadline).</param>
    /// <param name="agreeing">For a quorum: the validators that posted the accepted result, in posting order (they share the fee).</param>
    /// <param name="dissenting">For a quorum: the validators whose result disagreed (no fee).</param>
    internal void Close(Changes changes, JobRecord job, TickResult closed, RoundResult? result, IReadOnlyList<string>? agreeing = null,
        IReadOnlyList<string>? dissenting = null)
    {
        state.PutRound(changes, closed.Round);
        foreach (var what in closed.Happened)
            changes.Event(job.Id, closed.Round.Id, what);
        // Only an attempt that makes the round is paid: a retried one (too few updates, or too few accepted) bills
        // nothing, and the attempt that finally makes the round is paid under the round's transfer ids.
        var paid = closed.Retry ? null : result;
        var (charge, budgetSpent) = Charge(job, paid);
        var (nextJob, nextRound, ended) = JobMachine.AfterRound(job, closed.Round, result, closed.Retry, state.Now, budgetSpent);
        // Fraud is slashed whether or not the attempt made the round: a retry must not wipe out a proven lie.
        nextJob = PlanMoney(changes, nextJob, closed.Round, paid, charge, agreeing, dissenting, result);
        state.PutJob(changes, nextJob);
        if (nextRound is not null)
        {
            state.PutRound(changes, nextRound);
            changes.Event(job.Id, nextRound.Id, new Happening(EventTypes.RoundStarted, null,
                nextRound.Attempt > 1
                    ? $"round {nextRound.Index} open again (attempt {nextRound.Attempt})"
                    : $"round {nextRound.Index} open for up to {nextRound.MaxNodes} nodes"));
        }
        if (ended is not null)
            changes.Event(job.Id, null, ended with { Data = nextJob.ToView() });
    }

    /// <summary>
    /// Stores a job that ended outside a round's close (cancelled, expired): its open round closes with it, every stake
    /// in it is released and the unspent escrow returns to the creator.
    /// </summary>
    internal JobRecord EndJob(Changes changes, JobRecord ended)
    {
        // A round already done has had its stakes released when it closed; only an open one still holds any.
        var round = state.CurrentRound(ended.Id);
        var now = state.Now;
        var closing = round is { Status: not RoundStatus.Done } ? round with { Status = RoundStatus.Done, DoneAt = now, PhaseDeadline = now } : null;
        if (closing is not null)
            state.PutRound(changes, closing);
        var job = PlanMoney(changes, ended, closing, null, null);
        state.PutJob(changes, job);
        return job;
    }

    /// <summary>
    /// Plans the money side of a closed round attempt and of a job's end. Returns the job with its billing updated.
    /// </summary>
    /// <param name="closed">The round attempt that closed now (null when none did: its stakes were released before).</param>
    /// <param name="judged">The accepted result of the attempt, paid or not (a retried attempt's frauds are slashed too).</param>
    private JobRecord PlanMoney(Changes changes, JobRecord job, RoundRecord? closed, RoundResult? result, RoundCharge? charge,
        IReadOnlyList<string>? agreeing = null, IReadOnlyList<string>? dissenting = null, RoundResult? judged = null)
    {
        // Only a validator's fraud verdict (a replay mismatch) slashes; a dropped, late or rejected node gets its stake back.
        var frauds = (judged ?? result)?.Verdicts.Where(v => v.Fraud == true).Select(v => v.Node).ToHashSet(StringComparer.Ordinal) ?? [];
        if (closed is not null && options.StakePerRound > 0)
        {
            foreach (var transfer in TransferPlans.SettleStakes(closed, frauds, options.StakePerRound, identity.Address))
                state.Enqueue(changes, transfer, null);
            foreach (var node in frauds)
                changes.Event(job.Id, closed.Id, new Happening(EventTypes.NodeSlashed, node,
                    $"round {closed.Index}: node {node} slashed {Asset.Format(options.StakePerRound)} tokens for replay fraud"));
        }
        if (state.Escrows.GetValueOrDefault(job.Id) is not { } escrow)
            return job;
        if (closed is not null && result is not null && charge is not null)
            escrow = PlanRoundPayment(changes, escrow, closed, result, charge, agreeing, dissenting);
        if (job.Status != JobStatus.Running && escrow.Refund is null)
            escrow = PlanRefund(changes, escrow);
        state.PutEscrow(changes, escrow);
        return job with { Billing = job.Billing! with { Spent = escrow.Spent, Refunded = escrow.Refund } };
    }

    /// <summary>The charge for a validated round against what is left of the job's budget, and whether that ends a partial budget.</summary>
    private (RoundCharge? Charge, bool BudgetSpent) Charge(JobRecord job, RoundResult? result)
    {
        if (result is null || state.Escrows.GetValueOrDefault(job.Id) is not { } escrow)
            return (null, false);
        var charge = Settlement.Round(escrow.Terms, result.Verdicts, escrow.Reserved);
        return (charge, escrow.Partial && Settlement.BudgetSpent(escrow.Terms, escrow.Reserved - charge.Total));
    }

    private EscrowRecord PlanRoundPayment(Changes changes, EscrowRecord escrow, RoundRecord round, RoundResult result, RoundCharge charge,
        IReadOnlyList<string>? agreeing, IReadOnlyList<string>? dissenting)
    {
        // A quorum's fee is split among the validators that agreed; a dissenter is not among them and is paid nothing.
        var plan = TransferPlans.RoundPayment(identity.Address, escrow.JobId, escrow.Creator, round.Index, agreeing ?? [result.Validator], charge,
            escrow.Reservation, escrow.Reserved, escrow.ExpiresAt, state.Now);
        for (var i = 0; i < plan.Transfers.Count; i++)
            state.Enqueue(changes, plan.Transfers[i], i == plan.Transfers.Count - 1 ? $"round:{round.Id}" : null);
        var rewards = new RoundRewards(escrow.JobId, round.Id, round.Index, round.Attempt, result.Validator, escrow.Terms, charge.ScaleBps,
            plan.Lines, plan.ValidatorFee, plan.ProtocolFee, charge.Total, plan.PostTransferId, 0, false, plan.ValidatorShares,
            dissenting is { Count: > 0 } ? dissenting : null);
        return escrow with
        {
            Reservation = plan.Reservation, Reserved = plan.Reserved, Spent = escrow.Spent + charge.Total, Rounds = [.. escrow.Rounds, rewards],
        };
    }

    /// <summary>Voids the open reservation: the unspent budget is the creator's again at once.</summary>
    private EscrowRecord PlanRefund(Changes changes, EscrowRecord escrow)
    {
        if (TransferPlans.Refund(escrow.JobId, escrow.Reservation, escrow.Reserved) is not { } refund)
        {
            changes.Event(escrow.JobId, null, new Happening(EventTypes.JobSettled, null,
                $"job {escrow.JobId} settled: billed {Asset.Format(escrow.Spent)} of {Asset.Format(escrow.Budget)} tokens, nothing to refund"));
            return escrow with { Refund = 0 };
        }
        state.Enqueue(changes, refund, $"job:{escrow.JobId}");
        return escrow with
        {
            Refund = escrow.Reserved, RefundTransferId = TransferWire.Hex(refund.Id), RefundOf = escrow.Reservation, Reservation = null, Reserved = 0,
        };
    }
}
