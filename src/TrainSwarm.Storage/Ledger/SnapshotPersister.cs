using System.Data.Common;
using TrainSwarm.Ledger;
using static TrainSwarm.Storage.Ledger.LedgerRows;

namespace TrainSwarm.Storage.Ledger;

/// <summary>Writing a snapshot's change sets: new entries, account balances, transfers and payout keys.</summary>
internal static class SnapshotPersister
{
    private const string InsertEntrySql = $"INSERT INTO ledger_entries ({EntryColumns}) VALUES " +
        "(@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, @p17, @p18, @p19, @p20, @p21, @p22, @p23, @p24)";

    private const string InsertTransferSql = $"INSERT INTO ledger_transfers ({TransferColumns}) VALUES " +
        "(@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, @p17)";

    /// <summary>Writes what changed in <paramref name="state"/> and clears its change sets.</summary>
    public static async Task PersistAsync(DbConnection db, DbTransaction tx, LedgerSnapshot state, CancellationToken cancellation)
    {
        if (state.NewEntries.Count > 0)
        {
            await using var insert = Db.Command(db, tx, InsertEntrySql, new object?[25]);
            foreach (var entry in state.NewEntries)
            {
                Db.Bind(insert, EntryValues(entry));
                await insert.ExecuteNonQueryAsync(cancellation);
            }
        }
        await PersistAccountsAsync(db, tx, state, cancellation);
        await PersistTransfersAsync(db, tx, state, cancellation);
        foreach (var payout in state.NewPayouts)
            await Db.ExecuteAsync(db, tx, "INSERT INTO ledger_payouts (job, round, owner) VALUES (@p0, @p1, @p2)", cancellation,
                payout.Job, payout.Round, payout.Owner);
        state.ClearChanges();
    }

    private static async Task PersistAccountsAsync(DbConnection db, DbTransaction tx, LedgerSnapshot state, CancellationToken cancellation)
    {
        if (state.ChangedAccounts.Count == 0)
            return;
        await using var insert = Db.Command(db, tx,
            $"INSERT INTO ledger_accounts ({AccountColumns}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5)", new object?[6]);
        await using var update = Db.Command(db, tx,
            "UPDATE ledger_accounts SET balance = @p1, reserved = @p2, last_seq = @p3 WHERE id = @p0", new object?[4]);
        foreach (var id in state.ChangedAccounts)
        {
            var account = state.Accounts[id];
            if (state.NewAccounts.Contains(id))
            {
                Db.Bind(insert, Db.Bytes(id), account.Owner, (long)account.Kind, account.Balance, account.Reserved, account.LastSequence);
                await insert.ExecuteNonQueryAsync(cancellation);
            }
            else
            {
                Db.Bind(update, Db.Bytes(id), account.Balance, account.Reserved, account.LastSequence);
                if (await update.ExecuteNonQueryAsync(cancellation) != 1)
                    throw new LedgerInvariantException($"account {id:x32} changed but is not stored");
            }
        }
    }

    private static async Task PersistTransfersAsync(DbConnection db, DbTransaction tx, LedgerSnapshot state, CancellationToken cancellation)
    {
        if (state.ChangedTransfers.Count == 0)
            return;
        await using var insert = Db.Command(db, tx, InsertTransferSql, new object?[18]);
        await using var update = Db.Command(db, tx,
            "UPDATE ledger_transfers SET status = @p1, posted = @p2, resolved_by = @p3 WHERE id = @p0", new object?[4]);
        foreach (var id in state.ChangedTransfers)
        {
            var t = state.Transfers[id];
            if (state.NewTransfers.Contains(id))
            {
                var r = t.Request;
                Db.Bind(insert, Db.Bytes(id), t.Sequence, t.Timestamp, (long)r.Kind, Db.Bytes(r.DebitAccount), Db.Bytes(r.CreditAccount),
                    r.Amount, (long)r.Reason, r.Job, r.Round, Db.Bytes(r.PendingId), (long)r.TimeoutSeconds,
                    Db.Bytes(t.DebitAccount), Db.Bytes(t.CreditAccount), t.ExpiresAt, (long)t.Status, t.PostedAmount, t.ResolvedBy);
                await insert.ExecuteNonQueryAsync(cancellation);
            }
            else
            {
                Db.Bind(update, Db.Bytes(id), (long)t.Status, t.PostedAmount, t.ResolvedBy);
                if (await update.ExecuteNonQueryAsync(cancellation) != 1)
                    throw new LedgerInvariantException($"transfer {id:x32} changed but is not stored");
            }
        }
    }

    private static object?[] EntryValues(LedgerEntry e)
    {
        var (a, t, g, actor) = (e.Account, e.Transfer, e.Genesis, e.Actor);
        return
        [
            e.Sequence, e.Timestamp, (long)e.Type,
            a is null ? null : Db.Bytes(a.Id), a?.Owner, a is null ? null : (long)a.Kind,
            t is null ? null : Db.Bytes(t.Id), t is null ? null : (long)t.Kind, t is null ? null : Db.Bytes(t.DebitAccount),
            t is null ? null : Db.Bytes(t.CreditAccount), t?.Amount, t is null ? null : (long)t.Reason,
            t?.Job, t?.Round, t is null ? null : Db.Bytes(t.PendingId), t is null ? null : (long)t.TimeoutSeconds,
            g is null ? null : (g.Devnet ? 1L : 0L), g?.CoordinatorPublicKey, g?.CoordinatorAddress,
            actor?.Address, actor?.PublicKey, actor?.Signature,
            e.PreviousHash, e.Hash, e.CoordinatorSignature,
        ];
    }
}
