using System.Data.Common;
using TrainSwarm.Ledger;
using TrainSwarm.Storage.Crypto;

namespace TrainSwarm.Storage.Ledger;

/// <summary>
/// The ledger on SQLite or PostgreSQL, chosen by connection string. Reading needs no key; writing needs the
/// coordinator's signer (see <see cref="InitializeAsync"/>). Every write loads the state it names, runs the pure
/// <see cref="LedgerEngine"/>, and persists the new entries and balances in one transaction, retried as a whole
/// on serialization failures. Thread-safe: each call uses its own pooled connection.
/// </summary>
public sealed partial class LedgerStore
{
    private const int MaxAttempts = 20;
    private readonly SqlDialect _dialect;
    private LedgerEngine? _engine;
    private bool _devnet;

    private LedgerStore(SqlDialect dialect) => _dialect = dialect;

    /// <summary>"sqlite" or "postgresql".</summary>
    public string Backend => _dialect.Name;

    /// <summary>True when the connection string names PostgreSQL ("Host=…" or "postgres://…").</summary>
    public static bool IsPostgres(string connection) => SqlDialect.For(connection) is PostgresDialect;

    /// <summary>Connects and creates the tables when missing (a new ledger has no entries until <see cref="InitializeAsync"/>).</summary>
    public static async Task<LedgerStore> OpenAsync(string connection, CancellationToken cancellation = default)
    {
        if (string.IsNullOrWhiteSpace(connection))
            throw new ArgumentException("a ledger connection (SQLite path or PostgreSQL connection string) is required", nameof(connection));
        var store = new LedgerStore(SqlDialect.For(connection));
        if (store._dialect is SqliteDialect sqlite && Path.GetDirectoryName(Path.GetFullPath(sqlite.FilePath)) is { Length: > 0 } directory)
            Directory.CreateDirectory(directory);
        await store.RunWriteAsync(async (db, tx) =>
        {
            foreach (var statement in LedgerSchema.Statements(store._dialect))
                await Db.ExecuteAsync(db, tx, statement, cancellation);
            return 0;
        }, lockLedger: false, cancellation);
        return store;
    }

    /// <summary>Opens a ledger that must already exist (has a genesis entry), for reading and verifying.</summary>
    public static async Task<LedgerStore> OpenExistingAsync(string connection, CancellationToken cancellation = default)
    {
        if (SqlDialect.For(connection) is SqliteDialect sqlite && !File.Exists(sqlite.FilePath))
            throw new FileNotFoundException($"no ledger database at {sqlite.FilePath}", sqlite.FilePath);
        var store = await OpenAsync(connection, cancellation);
        if ((await store.HeadAsync(cancellation)).Sequence == 0)
            throw new InvalidOperationException("the database holds no ledger (no genesis entry)");
        return store;
    }

    /// <summary>
    /// Enables writes with the coordinator's key. A new ledger gets its genesis entry (devnet or not, fixed forever);
    /// an existing one must have been started by the same key, and keeps its devnet flag.
    /// </summary>
    public async Task InitializeAsync(ILedgerSigner coordinator, bool devnet, DateTimeOffset now, CancellationToken cancellation = default)
    {
        var engine = new LedgerEngine(coordinator, IdentityVerifier.Instance);
        var genesis = await RunWriteAsync(async (db, tx) =>
        {
            var existing = await ReadGenesisAsync(db, tx, cancellation);
            if (existing is not null)
                return existing;
            var state = new LedgerSnapshot(ChainHead.Empty, devnet);
            var entry = engine.Genesis(state, now.ToUnixTimeMilliseconds());
            await PersistAsync(db, tx, state, cancellation);
            return entry.Genesis!;
        }, lockLedger: true, cancellation);
        if (!string.Equals(genesis.CoordinatorAddress, coordinator.Address, StringComparison.Ordinal))
            throw new InvalidOperationException($"this ledger is signed by coordinator {genesis.CoordinatorAddress}, not by {coordinator.Address}");
        _devnet = genesis.Devnet;
        _engine = engine;
    }

    /// <summary>True when the ledger was created as a devnet (it may mint).</summary>
    public bool Devnet => _devnet;

    /// <summary>Opens accounts, one result per item.</summary>
    public Task<IReadOnlyList<AccountResult>> OpenAccountsAsync(IReadOnlyList<NewAccount> accounts, DateTimeOffset now, CancellationToken cancellation = default)
    {
        var engine = RequireEngine();
        return RunWriteAsync(async (db, tx) =>
        {
            var state = await LoadForAccountsAsync(db, tx, accounts, cancellation);
            var results = engine.OpenAccounts(state, accounts, now.ToUnixTimeMilliseconds());
            await PersistAsync(db, tx, state, cancellation);
            return results;
        }, lockLedger: true, cancellation);
    }

    /// <summary>Commits transfers, one result per item; items are independent of each other.</summary>
    public Task<IReadOnlyList<TransferResult>> SubmitAsync(IReadOnlyList<SignedTransfer> transfers, DateTimeOffset now, CancellationToken cancellation = default)
    {
        var engine = RequireEngine();
        return RunWriteAsync(async (db, tx) =>
        {
            var state = await LoadForTransfersAsync(db, tx, transfers, cancellation);
            var results = engine.Submit(state, transfers, now.ToUnixTimeMilliseconds());
            await PersistAsync(db, tx, state, cancellation);
            return results;
        }, lockLedger: true, cancellation);
    }

    /// <summary>Commits transfers without actor evidence (initiated by the coordinator itself).</summary>
    public Task<IReadOnlyList<TransferResult>> SubmitAsync(IReadOnlyList<TransferRequest> transfers, DateTimeOffset now, CancellationToken cancellation = default) =>
        SubmitAsync(transfers.Select(t => new SignedTransfer(t)).ToList(), now, cancellation);

    /// <summary>Expires every open pending transfer whose timeout is at or before <paramref name="now"/>.</summary>
    public Task<IReadOnlyList<TransferResult>> ExpireDueAsync(DateTimeOffset now, CancellationToken cancellation = default)
    {
        var engine = RequireEngine();
        return RunWriteAsync(async (db, tx) =>
        {
            var state = await LoadDueAsync(db, tx, now.ToUnixTimeMilliseconds(), cancellation);
            var results = engine.ExpireDue(state, now.ToUnixTimeMilliseconds());
            await PersistAsync(db, tx, state, cancellation);
            return results;
        }, lockLedger: true, cancellation);
    }

    private LedgerEngine RequireEngine() =>
        _engine ?? throw new InvalidOperationException("the ledger store is read-only until InitializeAsync is given the coordinator's key");

    /// <summary>Runs <paramref name="work"/> in a write transaction, again from scratch after a transient failure.</summary>
    private async Task<T> RunWriteAsync<T>(Func<DbConnection, DbTransaction, Task<T>> work, bool lockLedger, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var db = await _dialect.OpenAsync(cancellation);
                await using var tx = lockLedger || _dialect is SqliteDialect
                    ? await _dialect.BeginWriteAsync(db, cancellation)
                    : await db.BeginTransactionAsync(cancellation);
                var result = await work(db, tx);
                await tx.CommitAsync(cancellation);
                return result;
            }
            catch (Exception e) when (attempt < MaxAttempts && (_dialect.IsTransient(e) || IsConcurrentSchemaCreation(e, lockLedger)))
            {
                await Task.Delay(Random.Shared.Next(1, 5 * attempt), cancellation);
            }
        }
    }

    /// <summary>Two processes creating the PostgreSQL tables at once may collide on the catalog; the retry finds them made.</summary>
    private static bool IsConcurrentSchemaCreation(Exception e, bool lockLedger) =>
        !lockLedger && e is Npgsql.PostgresException { SqlState: "23505" or "42P07" };
}
