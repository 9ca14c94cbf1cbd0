using System.Data.Common;
using System.Runtime.CompilerServices;
using TrainSwarm.Ledger;

namespace TrainSwarm.Storage.Ledger;

/// <summary>Queries: head, entries, accounts, transfers; and the row mapping they share.</summary>
public sealed partial class LedgerStore
{
    private const string EntryColumns = "seq, ts, type, account_id, owner, account_kind, transfer_id, kind, debit, credit, amount, reason, " +
        "job, round, pending_id, timeout, devnet, coordinator_key, coordinator_address, actor, actor_key, actor_signature, previous_hash, hash, signature";

    private const string AccountColumns = "id, owner, kind, balance, reserved, last_seq";

    private const string TransferColumns = "id, seq, ts, kind, request_debit, request_credit, amount, reason, job, round, pending_id, timeout, " +
        "debit, credit, expires_at, status, posted, resolved_by";

    /// <summary>The last committed entry (sequence 0 for an empty ledger).</summary>
    public async Task<ChainHead> HeadAsync(CancellationToken cancellation = default)
    {
        await using var db = await _dialect.OpenAsync(cancellation);
        return await ReadHeadAsync(db, null, cancellation);
    }

    /// <summary>One account, or null.</summary>
    public async Task<Account?> GetAccountAsync(UInt128 id, CancellationToken cancellation = default)
    {
        await using var db = await _dialect.OpenAsync(cancellation);
        await using var command = Db.Command(db, null, $"SELECT {AccountColumns} FROM ledger_accounts WHERE id = @p0", Db.Bytes(id));
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation) ? ReadAccount(reader) : null;
    }

    /// <summary>Every account, or those of one owner, ordered by id.</summary>
    public async Task<IReadOnlyList<Account>> GetAccountsAsync(string? owner = null, CancellationToken cancellation = default)
    {
        await using var db = await _dialect.OpenAsync(cancellation);
        await using var command = owner is null
            ? Db.Command(db, null, $"SELECT {AccountColumns} FROM ledger_accounts ORDER BY id")
            : Db.Command(db, null, $"SELECT {AccountColumns} FROM ledger_accounts WHERE owner = @p0 ORDER BY id", owner);
        return await ReadAllAsync(command, ReadAccount, cancellation);
    }

    /// <summary>One transfer with its pending status, or null.</summary>
    public async Task<TransferRecord?> GetTransferAsync(UInt128 id, CancellationToken cancellation = default)
    {
        await using var db = await _dialect.OpenAsync(cancellation);
        await using var command = Db.Command(db, null, $"SELECT {TransferColumns} FROM ledger_transfers WHERE id = @p0", Db.Bytes(id));
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation) ? ReadTransfer(reader) : null;
    }

    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="afterSequence"/>, oldest first.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> ReadEntriesAsync(long afterSequence, int limit, CancellationToken cancellation = default)
    {
        await using var db = await _dialect.OpenAsync(cancellation);
        await using var command = Db.Command(db, null, $"SELECT {EntryColumns} FROM ledger_entries WHERE seq > @p0 ORDER BY seq LIMIT @p1",
            afterSequence, (long)limit);
        return await ReadAllAsync(command, ReadEntry, cancellation);
    }

    /// <summary>Up to <paramref name="limit"/> entries before <paramref name="beforeSequence"/>, newest first.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> ReadLatestAsync(int limit, long beforeSequence = long.MaxValue, CancellationToken cancellation = default)
    {
        await using var db = await _dialect.OpenAsync(cancellation);
        await using var command = Db.Command(db, null, $"SELECT {EntryColumns} FROM ledger_entries WHERE seq < @p0 ORDER BY seq DESC LIMIT @p1",
            beforeSequence, (long)limit);
        return await ReadAllAsync(command, ReadEntry, cancellation);
    }

    private static async Task<ChainHead> ReadHeadAsync(DbConnection db, DbTransaction? tx, CancellationToken cancellation)
    {
        await using var command = Db.Command(db, tx, "SELECT seq, hash, ts FROM ledger_entries ORDER BY seq DESC LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation)
            ? new ChainHead(reader.GetInt64(0), Db.Blob(reader, 1), reader.GetInt64(2))
            : ChainHead.Empty;
    }

    private static async Task<GenesisBody?> ReadGenesisAsync(DbConnection db, DbTransaction? tx, CancellationToken cancellation)
    {
        await using var command = Db.Command(db, tx, $"SELECT {EntryColumns} FROM ledger_entries WHERE seq = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        if (!await reader.ReadAsync(cancellation))
            return null;
        return ReadEntry(reader).Genesis ?? throw new InvalidDataException("the ledger's first entry is not a genesis entry");
    }

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> map, CancellationToken cancellation)
    {
        var list = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
            list.Add(map(reader));
        return list;
    }

    private static async IAsyncEnumerable<T> StreamAsync<T>(DbCommand command, Func<DbDataReader, T> map, [EnumeratorCancellation] CancellationToken cancellation)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
            yield return map(reader);
    }

    private static Account ReadAccount(DbDataReader r) =>
        new(Db.Id(r, 0), r.GetString(1), (AccountKind)r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5));

    private static TransferRecord ReadTransfer(DbDataReader r)
    {
        var request = new TransferRequest(Db.Id(r, 0), (TransferKind)r.GetInt64(3), Db.Id(r, 4), Db.Id(r, 5), r.GetInt64(6),
            (Reason)r.GetInt64(7), r.GetString(8), r.GetInt64(9), Db.Id(r, 10), checked((uint)r.GetInt64(11)));
        return new TransferRecord(request, r.GetInt64(1), r.GetInt64(2), Db.Id(r, 12), Db.Id(r, 13), r.GetInt64(14),
            (PendingStatus)r.GetInt64(15), r.GetInt64(16), r.GetInt64(17));
    }

    /// <summary>Maps a row to an entry exactly as stored, without judging it: verify does the judging.</summary>
    private static LedgerEntry ReadEntry(DbDataReader r)
    {
        var type = (EntryType)r.GetInt64(2);
        NewAccount? account = type == EntryType.OpenAccount
            ? new NewAccount(Db.Id(r, 3), Db.Text(r, 4), (AccountKind)Db.Long(r, 5))
            : null;
        TransferRequest? transfer = type == EntryType.Transfer
            ? new TransferRequest(Db.Id(r, 6), (TransferKind)Db.Long(r, 7), Db.Id(r, 8), Db.Id(r, 9), Db.Long(r, 10), (Reason)Db.Long(r, 11),
                Db.Text(r, 12), Db.Long(r, 13), Db.Id(r, 14), unchecked((uint)Db.Long(r, 15)))
            : null;
        GenesisBody? genesis = type == EntryType.Genesis
            ? new GenesisBody(Db.Blob(r, 17), Db.Text(r, 18), Db.Long(r, 16) != 0)
            : null;
        ActorEvidence? actor = r.IsDBNull(19) ? null : new ActorEvidence(r.GetString(19), Db.Blob(r, 20), Db.Blob(r, 21));
        return new LedgerEntry(r.GetInt64(0), r.GetInt64(1), type, genesis, account, transfer, actor,
            Db.Blob(r, 22), Db.Blob(r, 23), Db.Blob(r, 24));
    }
}
