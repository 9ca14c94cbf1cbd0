using TrainSwarm.Ledger;
using static TrainSwarm.Storage.Ledger.LedgerRows;

namespace TrainSwarm.Storage.Ledger;

/// <summary>The ledger's queries: head, entries, accounts, transfers; each on its own pooled connection.</summary>
internal sealed class LedgerReader(SqlDialect dialect)
{
    /// <summary>The last committed entry (sequence 0 for an empty ledger).</summary>
    public async Task<ChainHead> HeadAsync(CancellationToken cancellation = default)
    {
        await using var db = await dialect.OpenAsync(cancellation);
        return await ReadHeadAsync(db, null, cancellation);
    }

    /// <summary>One account, or null.</summary>
    public async Task<Account?> GetAccountAsync(UInt128 id, CancellationToken cancellation = default)
    {
        await using var db = await dialect.OpenAsync(cancellation);
        await using var command = Db.Command(db, null, $"SELECT {AccountColumns} FROM ledger_accounts WHERE id = @p0", Db.Bytes(id));
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation) ? ReadAccount(reader) : null;
    }

    /// <summary>Every account, or those of one owner, ordered by id.</summary>
    public async Task<IReadOnlyList<Account>> GetAccountsAsync(string? owner = null, CancellationToken cancellation = default)
    {
        await using var db = await dialect.OpenAsync(cancellation);
        await using var command = owner is null
            ? Db.Command(db, null, $"SELECT {AccountColumns} FROM ledger_accounts ORDER BY id")
            : Db.Command(db, null, $"SELECT {AccountColumns} FROM ledger_accounts WHERE owner = @p0 ORDER BY id", owner);
        return await ReadAllAsync(command, ReadAccount, cancellation);
    }

    /// <summary>One transfer with its pending status, or null.</summary>
    public async Task<TransferRecord?> GetTransferAsync(UInt128 id, CancellationToken cancellation = default)
    {
        await using var db = await dialect.OpenAsync(cancellation);
        await using var command = Db.Command(db, null, $"SELECT {TransferColumns} FROM ledger_transfers WHERE id = @p0", Db.Bytes(id));
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation) ? ReadTransfer(reader) : null;
    }

    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="afterSequence"/>, oldest first.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> ReadEntriesAsync(long afterSequence, int limit, CancellationToken cancellation = default)
    {
        await using var db = await dialect.OpenAsync(cancellation);
        await using var command = Db.Command(db, null, $"SELECT {EntryColumns} FROM ledger_entries WHERE seq > @p0 ORDER BY seq LIMIT @p1",
            afterSequence, (long)limit);
        return await ReadAllAsync(command, ReadEntry, cancellation);
    }

    /// <summary>
    /// Up to <paramref name="limit"/> entries before <paramref name="beforeSequence"/>, newest first; with <paramref name="job"/>, only
    /// transfers that name that job.
    /// </summary>
    public async Task<IReadOnlyList<LedgerEntry>> ReadLatestAsync(
        int limit, long beforeSequence = long.MaxValue, string? job = null, CancellationToken cancellation = default)
    {
        await using var db = await dialect.OpenAsync(cancellation);
        await using var command = job is null
            ? Db.Command(db, null, $"SELECT {EntryColumns} FROM ledger_entries WHERE seq < @p0 ORDER BY seq DESC LIMIT @p1", beforeSequence, (long)limit)
            : Db.Command(db, null, $"SELECT {EntryColumns} FROM ledger_entries WHERE seq < @p0 AND job = @p2 ORDER BY seq DESC LIMIT @p1",
                beforeSequence, (long)limit, job);
        return await ReadAllAsync(command, ReadEntry, cancellation);
    }

    /// <summary>How many entries there are; with <paramref name="job"/>, how many transfers name that job.</summary>
    public async Task<long> CountEntriesAsync(string? job = null, CancellationToken cancellation = default)
    {
        await using var db = await dialect.OpenAsync(cancellation);
        await using var command = job is null
            ? Db.Command(db, null, "SELECT COUNT(*) FROM ledger_entries")
            : Db.Command(db, null, "SELECT COUNT(*) FROM ledger_entries WHERE job = @p0", job);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation), System.Globalization.CultureInfo.InvariantCulture);
    }
}
