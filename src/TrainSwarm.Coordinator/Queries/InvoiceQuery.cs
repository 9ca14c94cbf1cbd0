using TrainSwarm.Coordinator.State;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Ledger;

namespace TrainSwarm.Coordinator.Queries;

/// <summary>A job's invoice and a round's reward receipt, every line with the ledger entry that proves it.</summary>
public sealed class InvoiceQuery(SwarmState state, StateCommitter committer, LedgerStore ledger)
{
    /// <summary>A round's reward receipt with the ledger entries that committed it; null when the round has not been paid.</summary>
    public async Task<RoundRewards?> RoundRewardsAsync(string roundId, CancellationToken cancellation)
    {
        var rewards = await committer.ReadAsync(() => state.Escrows.Values.SelectMany(e => e.Rounds).LastOrDefault(r => r.RoundId == roundId),
            cancellation);
        return rewards is null ? null : await WithSequencesAsync(rewards, cancellation);
    }

    /// <summary>A job's invoice; null when the job does not exist or has no billing.</summary>
    public async Task<Invoice?> InvoiceAsync(string jobId, CancellationToken cancellation)
    {
        var (job, escrow) = await committer.ReadAsync(() => (state.Jobs.GetValueOrDefault(jobId), state.Escrows.GetValueOrDefault(jobId)), cancellation);
        if (job is null || escrow is null)
            return null;
        var rounds = new List<RoundRewards>();
        foreach (var r in escrow.Rounds)
            rounds.Add(await WithSequencesAsync(r, cancellation));
        var escrowSequence = await SequenceOfAsync(job.Billing!.EscrowTransferId, cancellation);
        var refundSequence = await SequenceOfAsync(escrow.RefundTransferId, cancellation);
        // A refund the ledger's expiry beat is proven by the expiry entry of the reservation it voided.
        if (refundSequence == 0 && escrow.RefundOf is not null)
            refundSequence = await SequenceOfAsync(TransferWire.Hex(AccountIds.ExpiryOf(TransferWire.ParseId(escrow.RefundOf, "refundOf"))), cancellation);
        var compute = rounds.Sum(r => r.Lines.Sum(l => l.Payout));
        var settled = job.Status != JobStatus.Running && escrow.Refund is not null && rounds.All(r => r.Settled)
            && (escrow.RefundTransferId is null || refundSequence > 0);
        return new Invoice(job.Id, job.Creator, job.Status, job.StatusReason, escrow.Quote, escrow.Budget, job.Billing.EscrowTransferId, escrowSequence,
            rounds, compute, rounds.Sum(r => r.ValidatorFee.Amount), rounds.Sum(r => r.ProtocolFee.Amount), escrow.Spent,
            escrow.Refund, escrow.RefundTransferId, refundSequence, settled, SampleUnitOf(job.Spec));
    }

    private async Task<RoundRewards> WithSequencesAsync(RoundRewards r, CancellationToken cancellation)
    {
        var lines = new List<RewardLine>();
        foreach (var line in r.Lines)
            lines.Add(line with { Sequence = await SequenceOfAsync(line.TransferId, cancellation) });
        var validator = r.ValidatorFee with { Sequence = await SequenceOfAsync(r.ValidatorFee.TransferId, cancellation) };
        var protocol = r.ProtocolFee with { Sequence = await SequenceOfAsync(r.ProtocolFee.TransferId, cancellation) };
        List<FeeLine>? shares = null;
        if (r.ValidatorShares is not null)
        {
            shares = [];
            foreach (var share in r.ValidatorShares)
                shares.Add(share with { Sequence = await SequenceOfAsync(share.TransferId, cancellation) });
        }
        var post = await SequenceOfAsync(r.PostTransferId, cancellation);
        var settled = lines.All(l => l.TransferId is null || l.Sequence > 0) && (validator.TransferId is null || validator.Sequence > 0)
            && (protocol.TransferId is null || protocol.Sequence > 0) && (r.PostTransferId is null || post > 0)
            && (shares ?? []).All(f => f.TransferId is null || f.Sequence > 0);
        return r with { Lines = lines, ValidatorFee = validator, ProtocolFee = protocol, PostSequence = post, Settled = settled, ValidatorShares = shares };
    }

    private async Task<long> SequenceOfAsync(string? transferId, CancellationToken cancellation) =>
        transferId is null ? 0 : (await ledger.GetTransferAsync(TransferWire.ParseId(transferId, "transfer"), cancellation))?.Sequence ?? 0;

    // What a line's samples count: an lm job pays per token trained, an rl job per environment step; null is samples (images).
    private static string? SampleUnitOf(JobSpec spec) => spec.IsLm ? "tokens" : spec.IsGrpo ? "sequence tokens" : spec.IsRl ? "env steps" : null;
}
