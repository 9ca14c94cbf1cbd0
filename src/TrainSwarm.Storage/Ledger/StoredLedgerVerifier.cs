using TrainSwarm.Ledger;
using TrainSwarm.Storage.Crypto;
using static TrainSwarm.Storage.Ledger.LedgerRows;

namespace TrainSwarm.Storage.Ledger;

/// <summary>Replaying the stored chain and comparing it with the stored balances, in one consistent read.</summary>
internal sealed class StoredLedgerVerifier(SqlDialect dialect)
{
    private const int VerifyChunk = 4096;

    /// <summary>
    /// Verifies the whole ledger (see <see cref="LedgerVerifier"/>). <paramref name="expectedCoordinator"/>, when
    /// given, pins the address whose key must have signed the chain.
    /// </summary>
    public async Task<VerifyReport> VerifyAsync(string? expectedCoordinator = null, CancellationToken cancellation = default)
    {
        var verifier = new LedgerVerifier(IdentityVerifier.Instance, expectedCoordinator);
        await using var db = await dialect.OpenAsync(cancellation);
        await using var tx = await dialect.BeginReadAsync(db, cancellation);
        await using (var command = Db.Command(db, tx, $"SELECT {EntryColumns} FROM ledger_entries ORDER BY seq"))
        {
            var chunk = new List<LedgerEntry>(VerifyChunk);
            await foreach (var entry in StreamAsync(command, ReadEntry, cancellation))
            {
                chunk.Add(entry);
                if (chunk.Count == VerifyChunk)
                {
                    if (!verifier.Feed(chunk))
                        break;
                    chunk.Clear();
                }
            }
            verifier.Feed(chunk);
        }
        await using var accountsCommand = Db.Command(db, tx, $"SELECT {AccountColumns} FROM ledger_accounts");
        var accounts = await ReadAllAsync(accountsCommand, ReadAccount, cancellation);
        await using var transfersCommand = Db.Command(db, tx, $"SELECT {TransferColumns} FROM ledger_transfers");
        var transfers = await ReadAllAsync(transfersCommand, ReadTransfer, cancellation);
        await tx.CommitAsync(cancellation);
        return verifier.Finish(accounts, transfers);
    }
}
