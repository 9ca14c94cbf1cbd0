using System.Data.Common;
using TrainSwarm.Ledger;
using static TrainSwarm.Storage.Ledger.LedgerRows;

namespace TrainSwarm.Storage.Ledger;

/// <summary>Loading exactly the state a batch names into a <see cref="LedgerSnapshot"/>, inside the batch's transaction.</summary>
internal static class SnapshotLoader
{
    private const int InListChunk = 400;

    private static async Task<LedgerSnapshot> LoadBaseAsync(DbConnection db, DbTransaction tx, bool devnet, CancellationToken cancellation)
    {
        var head = await ReadHeadAsync(db, tx, cancellation);
        await using var command = Db.Command(db, tx, "SELECT id FROM ledger_accounts WHERE kind = @p0 LIMIT 1", (long)AccountKind.Mint);
        var mint = await command.ExecuteScalarAsync(cancellation) is byte[] bytes ? System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes) : 0;
        return new LedgerSnapshot(head, devnet, mint);
    }

    /// <summary>The state opening <paramref name="accounts"/> needs.</summary>
    public static async Task<LedgerSnapshot> LoadForAccountsAsync(
        DbConnection db, DbTransaction tx, bool devnet, IReadOnlyList<NewAccount> accounts, CancellationToken cancellation)
    {
        var state = await LoadBaseAsync(db, tx, devnet, cancellation);
        await LoadAccountsAsync(db, tx, state, accounts.Select(a => a.Id), cancellation);
        return state;
    }

    /// <summary>The state committing <paramref name="transfers"/> needs: their transfers, accounts and payout keys.</summary>
    public static async Task<LedgerSnapshot> LoadForTransfersAsync(
        DbConnection db, DbTransaction tx, bool devnet, IReadOnlyList<SignedTransfer> transfers, CancellationToken cancellation)
    {
        var state = await LoadBaseAsync(db, tx, devnet, cancellation);
        var requests = transfers.Select(t => t.Request).ToList();
        await LoadTransfersAsync(db, tx, state, requests.Select(r => r.Id).Concat(requests.Select(r => r.PendingId)), cancellation);
        var accountIds = requests.SelectMany(r => new[] { r.DebitAccount, r.CreditAccount })
            .Concat(state.Transfers.Values.SelectMany(t => new[] { t.DebitAccount, t.CreditAccount }));
        await LoadAccountsAsync(db, tx, state, accountIds, cancellation);
        foreach (var request in requests.Where(r => r.Reason == Reason.Payout && r.Kind is TransferKind.Single or TransferKind.Pending))
        {
            if (!state.Accounts.TryGetValue(request.CreditAccount, out var credit))
                continue;
            await using var command = Db.Command(db, tx, "SELECT 1 FROM ledger_payouts WHERE job = @p0 AND round = @p1 AND owner = @p2",
                request.Job, request.Round, credit.Owner);
            if (await command.ExecuteScalarAsync(cancellation) is not null)
                state.Load(new PayoutKey(request.Job, request.Round, credit.Owner));
        }
        return state;
    }

    /// <summary>The open pending transfers due at <paramref name="now"/> (Unix ms) and their accounts.</summary>
    public static async Task<LedgerSnapshot> LoadDueAsync(
        DbConnection db, DbTransaction tx, bool devnet, long now, CancellationToken cancellation)
    {
        var state = await LoadBaseAsync(db, tx, devnet, cancellation);
        var due = Math.Max(now, state.Head.Timestamp);
        await using (var command = Db.Command(db, tx,
            $"SELECT {TransferColumns} FROM ledger_transfers WHERE status = @p0 AND expires_at > 0 AND expires_at <= @p1",
            (long)PendingStatus.Open, due))
        await using (var reader = await command.ExecuteReaderAsync(cancellation))
        {
            while (await reader.ReadAsync(cancellation))
                state.Load(ReadTransfer(reader));
        }
        await LoadAccountsAsync(db, tx, state, state.Transfers.Values.SelectMany(t => new[] { t.DebitAccount, t.CreditAccount }), cancellation);
        return state;
    }

    private static async Task LoadAccountsAsync(DbConnection db, DbTransaction tx, LedgerSnapshot state, IEnumerable<UInt128> ids,
        CancellationToken cancellation)
    {
        var wanted = ids.Where(id => id != 0 && !state.Accounts.ContainsKey(id)).Distinct().ToList();
        foreach (var chunk in wanted.Chunk(InListChunk))
        {
            await using var command = InList(db, tx, $"SELECT {AccountColumns} FROM ledger_accounts WHERE id IN", chunk);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
                state.Load(ReadAccount(reader));
        }
    }

    private static async Task LoadTransfersAsync(DbConnection db, DbTransaction tx, LedgerSnapshot state, IEnumerable<UInt128> ids,
        CancellationToken cancellation)
    {
        var wanted = ids.Where(id => id != 0).Distinct().ToList();
        foreach (var chunk in wanted.Chunk(InListChunk))
        {
            await using var command = InList(db, tx, $"SELECT {TransferColumns} FROM ledger_transfers WHERE id IN", chunk);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
                state.Load(ReadTransfer(reader));
        }
    }

    private static DbCommand InList(DbConnection db, DbTransaction tx, string sqlPrefix, UInt128[] ids)
    {
        var names = string.Join(", ", Enumerable.Range(0, ids.Length).Select(i => $"@p{i}"));
        return Db.Command(db, tx, $"{sqlPrefix} ({names})", ids.Select(id => (object?)Db.Bytes(id)).ToArray());
    }
}
