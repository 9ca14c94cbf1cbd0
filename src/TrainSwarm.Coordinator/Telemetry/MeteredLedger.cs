using TrainSwarm.Ledger;
using TrainSwarm.Storage.Ledger;

namespace TrainSwarm.Coordinator.Telemetry;

/// <summary>The coordinator's one way into the ledger's writer: every committed transfer is counted on the way back.</summary>
public sealed class MeteredLedger(LedgerStore ledger, CoordinatorMetrics metrics)
{
    /// <summary>Commits <paramref name="transfers"/>, one result per item, as the ledger store does.</summary>
    public async Task<IReadOnlyList<TransferResult>> SubmitAsync(IReadOnlyList<SignedTransfer> transfers, DateTimeOffset now, CancellationToken cancellation)
    {
        var results = await ledger.SubmitAsync(transfers, now, cancellation);
        for (var i = 0; i < results.Count; i++)
            metrics.LedgerAnswered(transfers[i].Request.Reason, transfers[i].Request.Amount, results[i].Status);
        return results;
    }

    /// <summary>Commits transfers the coordinator itself initiates.</summary>
    public Task<IReadOnlyList<TransferResult>> SubmitAsync(IReadOnlyList<TransferRequest> transfers, DateTimeOffset now, CancellationToken cancellation) =>
        SubmitAsync(transfers.Select(t => new SignedTransfer(t)).ToList(), now, cancellation);
}
