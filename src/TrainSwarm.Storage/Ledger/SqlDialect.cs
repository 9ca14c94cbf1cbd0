using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace TrainSwarm.Storage.Ledger;

/// <summary>What differs between the SQLite and PostgreSQL backends; the SQL itself is shared.</summary>
internal abstract class SqlDialect
{
    /// <summary>The column type for byte strings.</summary>
    public abstract string Blob { get; }

    /// <summary>Human name for messages.</summary>
    public abstract string Name { get; }

    /// <summary>A new, unopened connection.</summary>
    public abstract DbConnection CreateConnection();

    /// <summary>Opens a connection and applies per-connection settings.</summary>
    public virtual async Task<DbConnection> OpenAsync(CancellationToken cancellation)
    {
        var connection = CreateConnection();
        await connection.OpenAsync(cancellation);
        return connection;
    }

    /// <summary>Starts the one-writer-at-a-time transaction every ledger write runs in.</summary>
    public abstract Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellation);

    /// <summary>Starts a transaction that sees one consistent state of the whole ledger.</summary>
    public abstract Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellation);

    /// <summary>True when the whole transaction may simply be run again (serialization failure, deadlock, busy).</summary>
    public abstract bool IsTransient(Exception exception);

    /// <summary>Picks the backend from a connection string: "Host=…" or "postgres://…" is PostgreSQL, anything else a SQLite file.</summary>
    public static SqlDialect For(string connection)
    {
        var text = connection.Trim();
        if (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return new PostgresDialect(FromUri(new Uri(text)));
        if (text.StartsWith("Host=", StringComparison.OrdinalIgnoreCase) || text.Contains(";Host=", StringComparison.OrdinalIgnoreCase)
            || text.StartsWith("Server=", StringComparison.OrdinalIgnoreCase))
            return new PostgresDialect(text);
        return new SqliteDialect(text);
    }

    /// <summary>Converts postgres://user:password@host:port/database into Npgsql's key=value form.</summary>
    private static string FromUri(Uri uri)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
        };
        var user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0)
            builder.Username = Uri.UnescapeDataString(user[0]);
        if (user.Length > 1)
            builder.Password = Uri.UnescapeDataString(user[1]);
        return builder.ConnectionString;
    }
}

/// <summary>
/// SQLite: WAL journal and synchronous=FULL so an acknowledged commit survives a crash or power loss; writers
/// serialize on BEGIN IMMEDIATE and wait up to 30 s for each other.
/// </summary>
internal sealed class SqliteDialect : SqlDialect
{
    private readonly string _connectionString;

    public SqliteDialect(string pathOrConnectionString)
    {
        var builder = pathOrConnectionString.Contains('=', StringComparison.Ordinal)
            ? new SqliteConnectionStringBuilder(pathOrConnectionString)
            : new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString };
        builder.DefaultTimeout = 30;
        builder.Pooling = true;
        _connectionString = builder.ConnectionString;
        FilePath = builder.DataSource;
    }

    /// <summary>The database file.</summary>
    public string FilePath { get; }

    public override string Blob => "BLOB";
    public override string Name => "sqlite";

    public override DbConnection CreateConnection() => new SqliteConnection(_connectionString);

    public override async Task<DbConnection> OpenAsync(CancellationToken cancellation)
    {
        var connection = await base.OpenAsync(cancellation);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000; PRAGMA foreign_keys=ON;";
        await command.ExecuteNonQueryAsync(cancellation);
        return connection;
    }

    public override Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellation) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    public override Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellation) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public override bool IsTransient(Exception exception) =>
        exception is SqliteException { SqliteErrorCode: 5 or 6 }; // SQLITE_BUSY, SQLITE_LOCKED
}

/// <summary>
/// PostgreSQL: every write is a SERIALIZABLE transaction that first locks the single ledger_lock row, because the
/// chain has one head and its writers must take turns; serialization failures and deadlocks are retried.
/// </summary>
internal sealed class PostgresDialect(string connectionString) : SqlDialect
{
    public override string Blob => "BYTEA";
    public override string Name => "postgresql";

    /// <summary>The connection string, for a connection of its own outside the pool (the leader lock's).</summary>
    public string ConnectionString => connectionString;

    public override DbConnection CreateConnection() => new NpgsqlConnection(connectionString);

    public override async Task<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellation)
    {
        var transaction = await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellation);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT id FROM ledger_lock WHERE id = 1 FOR UPDATE";
        await command.ExecuteScalarAsync(cancellation);
        return transaction;
    }

    public override async Task<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellation) =>
        await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellation);

    public override bool IsTransient(Exception exception) =>
        exception is PostgresException { SqlState: "40001" or "40P01" };
}
