using System.Data.Common;
using TrainSwarm.Storage.Ledger;

namespace TrainSwarm.Storage.Swarm;

/// <summary>
/// The coordinator's state beside the ledger, in the same database: jobs, rounds, nodes and actors as JSON documents
/// keyed by (kind, id), the nonces already used, and the event log. The coordinator keeps the live state in memory
/// and writes every change here, in one transaction, before it acknowledges anything; on start it loads it back.
/// </summary>
public sealed class SwarmStore
{
    private const int MaxAttempts = 20;
    private readonly SqlDialect _dialect;

    private SwarmStore(SqlDialect dialect) => _dialect = dialect;

    /// <summary>Connects to the database named like a ledger connection and creates the tables when missing.</summary>
    public static async Task<SwarmStore> OpenAsync(string connection, CancellationToken cancellation = default)
    {
        var store = new SwarmStore(SqlDialect.For(connection));
        if (store._dialect is SqliteDialect sqlite && Path.GetDirectoryName(Path.GetFullPath(sqlite.FilePath)) is { Length: > 0 } directory)
            Directory.CreateDirectory(directory);
        await store.RunAsync(async (db, tx) =>
        {
            // Replicas starting together create the schema one at a time.
            if (store.Shared)
                await Db.ExecuteAsync(db, tx, $"SELECT pg_advisory_xact_lock({ReplicaLocks.Key("state")})", cancellation);
            foreach (var statement in store.Shared ? [.. Schema, .. SharedSchema] : Schema)
                await Db.ExecuteAsync(db, tx, statement, cancellation);
            return 0;
        }, cancellation);
        return store;
    }

    /// <summary>True on PostgreSQL: several coordinator processes may share this store (see <see cref="LockStateAsync"/>).</summary>
    public bool Shared => _dialect is PostgresDialect;

    /// <summary>The connection string of a shared store (for its <see cref="LeaderLock"/>).</summary>
    public string? SharedConnection => (_dialect as PostgresDialect)?.ConnectionString;

    // PostgreSQL only: each document carries the version of the change that last wrote it (from one sequence, taken
    // under the state lock, so versions grow in commit order), which lets a replica read just what others changed.
    private static readonly string[] SharedSchema =
    [
        "ALTER TABLE swarm_documents ADD COLUMN IF NOT EXISTS version BIGINT NOT NULL DEFAULT 0",
        "CREATE SEQUENCE IF NOT EXISTS swarm_document_versions",
        "CREATE INDEX IF NOT EXISTS swarm_documents_by_version ON swarm_documents (version)",
        "CREATE TABLE IF NOT EXISTS swarm_leader (id INT PRIMARY KEY, replica TEXT NOT NULL, since BIGINT NOT NULL)",
    ];

    /// <summary>
    /// Takes the cross-process state lock (PostgreSQL; nothing on SQLite) until disposed: a replica holds it from reading
    /// what others changed, through its decision, to its commit, so no two replicas decide on the same state.
    /// </summary>
    public async Task<IAsyncDisposable> LockStateAsync(CancellationToken cancellation) =>
        Shared ? await ReplicaLocks.StateAsync(await _dialect.OpenAsync(cancellation), cancellation) : NoLock.Instance;

    /// <summary>
    /// Documents written after <paramref name="afterVersion"/>, in version order; -1 reads them all. On SQLite (no
    /// versions: one process wrote everything it holds) only the full read returns anything.
    /// </summary>
    public Task<IReadOnlyList<VersionedDocument>> DocumentsAfterAsync(long afterVersion, CancellationToken cancellation = default) =>
        RunAsync<IReadOnlyList<VersionedDocument>>(async (db, tx) =>
        {
            var docs = new List<VersionedDocument>();
            if (!Shared && afterVersion >= 0)
                return docs;
            await using var command = Shared
                ? Db.Command(db, tx, "SELECT kind, id, doc, version FROM swarm_documents WHERE version > @p0 ORDER BY version, kind, id", afterVersion)
                : Db.Command(db, tx, "SELECT kind, id, doc, 0 FROM swarm_documents ORDER BY kind, id");
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            while (await reader.ReadAsync(cancellation))
                docs.Add(new VersionedDocument(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3)));
            return docs;
        }, cancellation, write: false);

    /// <summary>The replica that last took the leader lock and since when (unix ms), or null (none yet, or SQLite).</summary>
    public async Task<(string Replica, DateTimeOffset Since)?> LeaderAsync(CancellationToken cancellation = default)
    {
        if (!Shared)
            return null;
        return await RunAsync<(string, DateTimeOffset)?>(async (db, tx) =>
        {
            await using var command = Db.Command(db, tx, "SELECT replica, since FROM swarm_leader WHERE id = 1");
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            return await reader.ReadAsync(cancellation) ? (reader.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1))) : null;
        }, cancellation, write: false);
    }

    private static readonly string[] Schema =
    [
        "CREATE TABLE IF NOT EXISTS swarm_documents (kind TEXT NOT NULL, id TEXT NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (kind, id))",
        "CREATE TABLE IF NOT EXISTS swarm_nonces (key_id TEXT NOT NULL, nonce TEXT NOT NULL, created BIGINT NOT NULL, PRIMARY KEY (key_id, nonce))",
        "CREATE INDEX IF NOT EXISTS swarm_nonces_created ON swarm_nonces (created)",
        "CREATE TABLE IF NOT EXISTS swarm_events (seq BIGINT PRIMARY KEY, job_id TEXT, doc TEXT NOT NULL)",
    ];

    /// <summary>Writes documents and events in one transaction: all of them are stored, or none.</summary>
    public Task SaveAsync(IReadOnlyList<StoredDocument> documents, IReadOnlyList<StoredEvent> events, CancellationToken cancellation = default) =>
        RunAsync(async (db, tx) =>
        {
            foreach (var d in documents)
                await Db.ExecuteAsync(db, tx, Shared
                    ? "INSERT INTO swarm_documents (kind, id, doc, version) VALUES (@p0, @p1, @p2, nextval('swarm_document_versions')) "
                        + "ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc, version = excluded.version"
                    : "INSERT INTO swarm_documents (kind, id, doc) VALUES (@p0, @p1, @p2) ON CONFLICT (kind, id) DO UPDATE SET doc = excluded.doc",
                    cancellation, d.Kind, d.Id, d.Json);
            foreach (var e in events)
                await Db.ExecuteAsync(db, tx, "INSERT INTO swarm_events (seq, job_id, doc) VALUES (@p0, @p1, @p2)", cancellation, e.Sequence, e.JobId, e.Json);
            return 0;
        }, cancellation);

    /// <summary>Every document of one kind, as stored JSON.</summary>
    public Task<IReadOnlyList<string>> LoadAsync(string kind, CancellationToken cancellation = default) =>
        RunAsync<IReadOnlyList<string>>(async (db, tx) =>
        {
            await using var command = Db.Command(db, tx, "SELECT doc FROM swarm_documents WHERE kind = @p0 ORDER BY id", kind);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            var docs = new List<string>();
            while (await reader.ReadAsync(cancellation))
                docs.Add(reader.GetString(0));
            return docs;
        }, cancellation, write: false);

    /// <summary>
    /// Records a nonce as used; false when it was used before. Nonces older than <paramref name="forgetBefore"/>
    /// (unix seconds) are pruned in the same transaction: their signatures are already outside the accepted window.
    /// </summary>
    public Task<bool> TryUseNonceAsync(string keyId, string nonce, long created, long forgetBefore, CancellationToken cancellation = default) =>
        RunAsync(async (db, tx) =>
        {
            await Db.ExecuteAsync(db, tx, "DELETE FROM swarm_nonces WHERE created < @p0", cancellation, forgetBefore);
            var inserted = await Db.ExecuteAsync(db, tx,
                "INSERT INTO swarm_nonces (key_id, nonce, created) VALUES (@p0, @p1, @p2) ON CONFLICT DO NOTHING", cancellation, keyId, nonce, created);
            return inserted == 1;
        }, cancellation);

    /// <summary>Events after <paramref name="afterSequence"/>, oldest first, optionally of one job.</summary>
    public Task<IReadOnlyList<string>> EventsAsync(long afterSequence, string? jobId, int limit, CancellationToken cancellation = default) =>
        RunAsync<IReadOnlyList<string>>(async (db, tx) =>
        {
            await using var command = jobId is null
                ? Db.Command(db, tx, "SELECT doc FROM swarm_events WHERE seq > @p0 ORDER BY seq LIMIT @p1", afterSequence, limit)
                : Db.Command(db, tx, "SELECT doc FROM swarm_events WHERE seq > @p0 AND job_id = @p2 ORDER BY seq LIMIT @p1", afterSequence, limit, jobId);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            var docs = new List<string>();
            while (await reader.ReadAsync(cancellation))
                docs.Add(reader.GetString(0));
            return docs;
        }, cancellation, write: false);

    /// <summary>Events before <paramref name="beforeSequence"/>, newest first, optionally of one job.</summary>
    public Task<IReadOnlyList<string>> LatestEventsAsync(long beforeSequence, string? jobId, int limit, CancellationToken cancellation = default) =>
        RunAsync<IReadOnlyList<string>>(async (db, tx) =>
        {
            await using var command = jobId is null
                ? Db.Command(db, tx, "SELECT doc FROM swarm_events WHERE seq < @p0 ORDER BY seq DESC LIMIT @p1", beforeSequence, limit)
                : Db.Command(db, tx, "SELECT doc FROM swarm_events WHERE seq < @p0 AND job_id = @p2 ORDER BY seq DESC LIMIT @p1",
                    beforeSequence, limit, jobId);
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            var docs = new List<string>();
            while (await reader.ReadAsync(cancellation))
                docs.Add(reader.GetString(0));
            return docs;
        }, cancellation, write: false);

    /// <summary>The highest event sequence stored (0 when none).</summary>
    public Task<long> LastEventSequenceAsync(CancellationToken cancellation = default) =>
        RunAsync(async (db, tx) =>
        {
            await using var command = Db.Command(db, tx, "SELECT COALESCE(MAX(seq), 0) FROM swarm_events");
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellation), System.Globalization.CultureInfo.InvariantCulture);
        }, cancellation, write: false);

    // Reads take a read transaction, so an SSE backlog or a load never queues behind (or blocks) the writer.
    private async Task<T> RunAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellation, bool write = true)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = await _dialect.OpenAsync(cancellation);
                await using var tx = !write ? await _dialect.BeginReadAsync(db, cancellation)
                    : _dialect is SqliteDialect ? await _dialect.BeginWriteAsync(db, cancellation)
                    : await db.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, cancellation);
                var result = await work(db, tx);
                await tx.CommitAsync(cancellation);
                return result;
            }
            catch (Exception e) when (attempt < MaxAttempts && (_dialect.IsTransient(e) || e is Npgsql.PostgresException { SqlState: "23505" or "42P07" }))
            {
                await Task.Delay(Random.Shared.Next(1, 5 * attempt), cancellation);
            }
        }
    }
}

/// <summary>A document to upsert: its kind (table-like namespace), id and JSON.</summary>
public sealed record StoredDocument(string Kind, string Id, string Json);

/// <summary>A stored document with the version of the change that last wrote it (0 on SQLite).</summary>
public sealed record VersionedDocument(string Kind, string Id, string Json, long Version);

/// <summary>An event to append: its sequence number, job (for filtering) and JSON.</summary>
public sealed record StoredEvent(long Sequence, string? JobId, string Json);
