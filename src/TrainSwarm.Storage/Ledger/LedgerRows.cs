using System.Data.Common;
using System.Runtime.CompilerServices;
using TrainSwarm.Ledger;

namespace TrainSwarm.Storage.Ledger;

/// <summary>
/// The ledger tables' columns and the row mapping every part of the store shares (reader, loader, writer, verifier),
/// plus the two reads the others need inside their own transactions: the chain head and the genesis entry.
/// </summary>
internal static class LedgerRows
{
    public const string EntryColumns = "seq, ts, type, account_id, owner, account_kind, transfer_id, kind, debit, credit, amount, reason, " +
        "job, round, pending_id, timeout, devnet, coordinator_key, coordinator_address, actor, actor_key, actor_signature, previous_hash, hash, signature";

    public const string AccountColumns = "id, owner, kind, balance, reserved, last_seq";

    public const string TransferColumns = "id, seq, ts, kind, request_debit, request_credit, amount, reason, job, round, pending_id, timeout, " +
        "debit, credit, expires_at, status, posted, resolved_by";

    /// <summary>The last committed entry (sequence 0 for an empty ledger), inside <paramref name="tx"/> when given.</summary>
    public static async Task<ChainHead> ReadHeadAsync(DbConnection db, DbTransaction? tx, CancellationToken cancellation)
    {
        await using var command = Db.Command(db, tx, "SELECT seq, hash, ts FROM ledger_entries ORDER BY seq DESC LIMIT 1");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        return await reader.ReadAsync(cancellation)
            ? new ChainHead(reader.GetInt64(0), Db.Blob(reader, 1), reader.GetInt64(2))
            : ChainHead.Empty;
    }

    /// <summary>The genesis entry's body, or null for a ledger without entries.</summary>
    public static async Task<GenesisBody?> ReadGenesisAsync(DbConnection db, DbTransaction? tx, CancellationToken cancellation)
    {
        await using var command = Db.Command(db, tx, $"SELECT {EntryColumns} FROM ledger_entries WHERE seq = 1");
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        if (!await reader.ReadAsync(cancellation))
            return null;
        return ReadEntry(reader).Genesis ?? throw new InvalidDataException("the ledger's first entry is not a genesis entry");
    }

    /// <summary>Every row of <paramref name="command"/>, mapped.</summary>
    public static async Task<IReadOnlyList<T>> ReadAllAsync<T>(DbCommand command, Func<DbDataReader, T> map, CancellationToken cancellation)
    {
        var list = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
            list.Add(map(reader));
        return list;
    }

    /// <summary>The rows of <paramref name="command"/>, mapped one by one as they are read.</summary>
    public static async IAsyncEnumerable<T> StreamAsync<T>(DbCommand command, Func<DbDataReader, T> map,
        [EnumeratorCancellation] CancellationToken cancellation)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellation);
        while (await reader.ReadAsync(cancellation))
            yield return map(reader);
    }

    /// <summary>An account row (<see cref="AccountColumns"/>).</summary>
    public static Account ReadAccount(DbDataReader r) =>
        new(Db.Id(r, 0), r.GetString(1), (AccountKind)r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5));

    /// <summary>A transfer row (<see cref="TransferColumns"/>).</summary>
    public static TransferRecord ReadTransfer(DbDataReader r)
    {
        var request = new TransferRequest(Db.Id(r, 0), (TransferKind)r.GetInt64(3), Db.Id(r, 4), Db.Id(r, 5), r.GetInt64(6),
            (Reason)r.GetInt64(7), r.GetString(8), r.GetInt64(9), Db.Id(r, 10), checked((uint)r.GetInt64(11)));
        return new TransferRecord(request, r.GetInt64(1), r.GetInt64(2), Db.Id(r, 12), Db.Id(r, 13), r.GetInt64(14),
            (PendingStatus)r.GetInt64(15), r.GetInt64(16), r.GetInt64(17));
    }

    /// <summary>Maps a row to an entry exactly as stored, without judging it: verify does the judging.</summary>
    public static LedgerEntry ReadEntry(DbDataReader r)
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
