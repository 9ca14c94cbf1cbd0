using Microsoft.Extensions.Logging;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Coordinator.Telemetry;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>
/// Commits the ledger transfers state changes planned (the outbox) and records each answer, announcing the rounds and
/// jobs whose last transfer went through. Runs under the <see cref="StateCommitter"/>'s gate, which commits what this returns.
/// </summary>
public sealed class DrainOutbox(SwarmState state, MeteredLedger metered, ILogger<DrainOutbox> log)
{
    /// <summary>Submits every waiting transfer; returns the answers to record, or null when nothing was due or the ledger failed.</summary>
    internal async Task<Changes?> SubmitDueAsync()
    {
        var due = state.Outbox.Values.Where(i => i.Status is null).OrderBy(i => i.Seq).ToList();
        if (due.Count == 0)
            return null;
        IReadOnlyList<TransferResult> results;
        try
        {
            results = await metered.SubmitAsync(due.Select(i => new SignedTransfer(i.Transfer.ToRequest())).ToList(), state.Now, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Nothing was answered, so nothing is marked: the next drain submits the same ids again.
            log.LogWarning(e, "ledger outbox drain failed; will retry");
            return null;
        }
        var changes = new Changes();
        for (var i = 0; i < due.Count; i++)
        {
            var (item, status) = (due[i], results[i].Status);
            if (!Settled(item.Transfer, status))
                log.LogError("ledger refused planned transfer {Id} ({Reason} {Amount}): {Status}", item.Transfer.Id, item.Transfer.Reason,
                    item.Transfer.Amount, status);
            state.PutOutbox(changes, item with { Status = WireText.Kebab(status) });
            AnnounceSettled(changes, item.Completes);
        }
        return changes;
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
        if (what == "round" && state.Escrows.Values.SelectMany(e => e.Rounds).LastOrDefault(r => r.RoundId == id) is { } rewards)
        {
            var fees = rewards.ValidatorFee.Amount + rewards.ProtocolFee.Amount;
            changes.Event(rewards.JobId, id, new Happening(EventTypes.RoundSettled, null,
                $"round {rewards.Index} settled: {Asset.Format(rewards.Lines.Sum(l => l.Payout))} tokens to "
                + $"{rewards.Lines.Count(l => l.Payout > 0)} nodes, fees {Asset.Format(fees)}",
                new { rewards.Total }));
        }
        else if (what == "job" && state.Escrows.GetValueOrDefault(id) is { } escrow)
            changes.Event(id, null, new Happening(EventTypes.JobSettled, null,
                $"job {id} settled: billed {Asset.Format(escrow.Spent)} of {Asset.Format(escrow.Budget)} tokens, "
                + $"refunded {Asset.Format(escrow.Refund ?? 0)}",
                new { escrow.Spent, escrow.Refund }));
    }
}
