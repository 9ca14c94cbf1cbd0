using TrainSwarm.Ledger;

namespace TrainSwarm.Storage.Ledger;

/// <summary>
/// The ledger's write commands: each loads the state it names, runs the pure <see cref="LedgerEngine"/> (signing with
/// the coordinator's key), and persists the new entries and balances in one transaction, retried as a whole on
/// serialization failures.
/// </summary>
internal sealed class LedgerWriter(LedgerTransactions transactions, LedgerEngine engine, bool devnet)
{
    /// <summary>Opens accounts, one result per item.</summary>
    public Task<IReadOnlyList<AccountResult>> OpenAccountsAsync(IReadOnlyList<NewAccount> accounts, DateTimeOffset now, CancellationToken cancellation)
    {
        return transactions.RunWriteAsync(async (db, tx) =>
        {
            var state = await SnapshotLoader.LoadForAccountsAsync(db, tx, devnet, accounts, cancellation);
            var results = engine.OpenAccounts(state, accounts, now.ToUnixTimeMilliseconds());
            await SnapshotPersister.PersistAsync(db, tx, state, cancellation);
            return results;
        }, lockLedger: true, cancellation);
    }

    /// <summary>Commits transfers, one result per item; items are independent of each other.</summary>
    public Task<IReadOnlyList<TransferResult>> SubmitAsync(IReadOnlyList<SignedTransfer> transfers, DateTimeOffset now, CancellationToken cancellation)
    {
        return transactions.RunWriteAsync(async (db, tx) =>
        {
            var state = await SnapshotLoader.LoadForTransfersAsync(db, tx, devnet, transfers, cancellation);
            var results = engine.Submit(state, transfers, now.ToUnixTimeMilliseconds());
            await SnapshotPersister.PersistAsync(db, tx, state, cancellation);
            return results;
        }, lockLedger: true, cancellation);
    }

    /// <summary>Expires every open pending transfer whose timeout is at or before <paramref name="now"/>.</summary>
    public Task<IReadOnlyList<TransferResult>> ExpireDueAsync(DateTimeOffset now, CancellationToken cancellation)
    {
        return transactions.RunWriteAsync(async (db, tx) =>
        {
            var state = await SnapshotLoader.LoadDueAsync(db, tx, devnet, now.ToUnixTimeMilliseconds(), cancellation);
            var results = engine.ExpireDue(state, now.ToUnixTimeMilliseconds());
            await SnapshotPersister.PersistAsync(db, tx, state, cancellation);
            return results;
        }, lockLedger: true, cancellation);
    }
}
