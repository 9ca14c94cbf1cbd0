using TrainSwarm.Ledger;
using TrainSwarm.Storage.Crypto;

namespace TrainSwarm.Storage.Ledger;

/// <summary>
/// The ledger on SQLite or PostgreSQL, chosen by connection string: opens it (creating the tables) and initializes it
/// (genesis, the coordinator's key), and hands every other call to the class whose job it is: queries to the
/// <see cref="LedgerReader"/>, writes to the <see cref="LedgerWriter"/> (which loads the state a batch names, runs the
/// pure <see cref="LedgerEngine"/> and persists the result in one transaction), verification to the
/// <see cref="StoredLedgerVerifier"/>. Reading needs no key; writing needs the coordinator's signer (see
/// <see cref="InitializeAsync"/>). Thread-safe: each call uses its own pooled connection.
/// </summary>
public sealed class LedgerStore
{
    private readonly SqlDialect _dialect;
    private readonly LedgerTransactions _transactions;
    private readonly LedgerReader _reader;
    private LedgerWriter? _writer;
    private bool _devnet;

    private LedgerStore(SqlDialect dialect)
    {
        _dialect = dialect;
        _transactions = new LedgerTransactions(dialect);
        _reader = new LedgerReader(dialect);
    }

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
        await store._transactions.RunWriteAsync(async (db, tx) =>
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
        var genesis = await _transactions.RunWriteAsync(async (db, tx) =>
        {
            var existing = await LedgerRows.ReadGenesisAsync(db, tx, cancellation);
            if (existing is not null)
                return existing;
            var state = new LedgerSnapshot(ChainHead.Empty, devnet);
            var entry = engine.Genesis(state, now.ToUnixTimeMilliseconds());
            await SnapshotPersister.PersistAsync(db, tx, state, cancellation);
            return entry.Genesis!;
        }, lockLedger: true, cancellation);
        if (!string.Equals(genesis.CoordinatorAddress, coordinator.Address, StringComparison.Ordinal))
            throw new InvalidOperationException($"this ledger is signed by coordinator {genesis.CoordinatorAddress}, not by {coordinator.Address}");
        _devnet = genesis.Devnet;
        _writer = new LedgerWriter(_transactions, engine, genesis.Devnet);
    }

    /// <summary>True when the ledger was created as a devnet (it may mint).</summary>
    public bool Devnet => _devnet;

    /// <summary>Opens accounts, one result per item.</summary>
    public Task<IReadOnlyList<AccountResult>> OpenAccountsAsync(
        IReadOnlyList<NewAccount> accounts, DateTimeOffset now, CancellationToken cancellation = default) =>
        RequireWriter().OpenAccountsAsync(accounts, now, cancellation);

    /// <summary>Commits transfers, one result per item; items are independent of each other.</summary>
    public Task<IReadOnlyList<TransferResult>> SubmitAsync(
        IReadOnlyList<SignedTransfer> transfers, DateTimeOffset now, CancellationToken cancellation = default) =>
        RequireWriter().SubmitAsync(transfers, now, cancellation);

    /// <summary>Commits transfers without actor evidence (initiated by the coordinator itself).</summary>
    public Task<IReadOnlyList<TransferResult>> SubmitAsync(
        IReadOnlyList<TransferRequest> transfers, DateTimeOffset now, CancellationToken cancellation = default) =>
        SubmitAsync(transfers.Select(t => new SignedTransfer(t)).ToList(), now, cancellation);

    /// <summary>Expires every open pending transfer whose timeout is at or before <paramref name="now"/>.</summary>
    public Task<IReadOnlyList<TransferResult>> ExpireDueAsync(DateTimeOffset now, CancellationToken cancellation = default) =>
        RequireWriter().ExpireDueAsync(now, cancellation);

    /// <summary>The last committed entry (sequence 0 for an empty ledger).</summary>
    public Task<ChainHead> HeadAsync(CancellationToken cancellation = default) => _reader.HeadAsync(cancellation);

    /// <summary>One account, or null.</summary>
    public Task<Account?> GetAccountAsync(UInt128 id, CancellationToken cancellation = default) =>
        _reader.GetAccountAsync(id, cancellation);

    /// <summary>Every account, or those of one owner, ordered by id.</summary>
    public Task<IReadOnlyList<Account>> GetAccountsAsync(string? owner = null, CancellationToken cancellation = default) =>
        _reader.GetAccountsAsync(owner, cancellation);

    /// <summary>One transfer with its pending status, or null.</summary>
    public Task<TransferRecord?> GetTransferAsync(UInt128 id, CancellationToken cancellation = default) =>
        _reader.GetTransferAsync(id, cancellation);

    /// <summary>Up to <paramref name="limit"/> entries after <paramref name="afterSequence"/>, oldest first.</summary>
    public Task<IReadOnlyList<LedgerEntry>> ReadEntriesAsync(long afterSequence, int limit, CancellationToken cancellation = default) =>
        _reader.ReadEntriesAsync(afterSequence, limit, cancellation);

    /// <summary>Up to <paramref name="limit"/> entries before <paramref name="beforeSequence"/>, newest first.</summary>
    public Task<IReadOnlyList<LedgerEntry>> ReadLatestAsync(
        int limit, long beforeSequence = long.MaxValue, CancellationToken cancellation = default) =>
        _reader.ReadLatestAsync(limit, beforeSequence, null, cancellation);

    /// <summary>Up to <paramref name="limit"/> entries before <paramref name="beforeSequence"/>, newest first, of one job's transfers only.</summary>
    public Task<IReadOnlyList<LedgerEntry>> ReadLatestOfJobAsync(
        string job, int limit, long beforeSequence = long.MaxValue, CancellationToken cancellation = default) =>
        _reader.ReadLatestAsync(limit, beforeSequence, job, cancellation);

    /// <summary>How many entries there are; with <paramref name="job"/>, how many transfers name that job.</summary>
    public Task<long> CountEntriesAsync(string? job = null, CancellationToken cancellation = default) =>
        _reader.CountEntriesAsync(job, cancellation);

    /// <summary>
    /// Verifies the whole ledger (see <see cref="LedgerVerifier"/>). <paramref name="expectedCoordinator"/>, when
    /// given, pins the address whose key must have signed the chain.
    /// </summary>
    public Task<VerifyReport> VerifyAsync(string? expectedCoordinator = null, CancellationToken cancellation = default) =>
        new StoredLedgerVerifier(_dialect).VerifyAsync(expectedCoordinator, cancellation);

    private LedgerWriter RequireWriter() =>
        _writer ?? throw new InvalidOperationException("the ledger store is read-only until InitializeAsync is given the coordinator's key");
}
