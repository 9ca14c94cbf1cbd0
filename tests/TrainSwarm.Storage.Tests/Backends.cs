using System.Data.Common;
using System.Reflection;
using Microsoft.Data.Sqlite;
using Npgsql;
using Xunit.Sdk;

namespace TrainSwarm.Storage.Tests;

/// <summary>Theory rows for the SQLite backend: always available.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OnSqliteAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [["sqlite"]];
}

/// <summary>
/// Theory rows for the PostgreSQL backend. ./test.sh starts a local server and sets TRAINSWARM_TEST_PG; without
/// it (a developer running dotnet test by hand) these rows are reported as skipped, never as passed.
/// When the variable is set and the server is unreachable, the tests fail.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OnPostgresAttribute : DataAttribute
{
    public OnPostgresAttribute()
    {
        if (string.IsNullOrWhiteSpace(TestBackend.PostgresConnection))
            Skip = $"{TestBackend.PostgresVariable} is not set (./test.sh sets it after starting a local PostgreSQL)";
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [["postgres"]];
}

/// <summary>A fresh, empty database for one test: a temp SQLite file, or a new schema in the test PostgreSQL database.</summary>
public sealed class TestBackend : IAsyncDisposable
{
    public const string PostgresVariable = "TRAINSWARM_TEST_PG";
    public static string? PostgresConnection => Environment.GetEnvironmentVariable(PostgresVariable);

    private readonly string? _directory;
    private readonly string? _schema;

    private TestBackend(string name, string connection, string? directory, string? schema)
    {
        Name = name;
        Connection = connection;
        _directory = directory;
        _schema = schema;
    }

    public string Name { get; }

    /// <summary>The connection string to give the store (and the CLI).</summary>
    public string Connection { get; }

    public static async Task<TestBackend> CreateAsync(string name)
    {
        if (name == "sqlite")
        {
            var directory = Path.Combine(Path.GetTempPath(), $"ts-ledger-{Guid.NewGuid():N}");
            Directory.CreateDirectory(directory);
            return new TestBackend(name, Path.Combine(directory, "ledger.db"), directory, null);
        }
        var baseConnection = PostgresConnection ?? throw new InvalidOperationException($"{PostgresVariable} is not set");
        var schema = $"t_{Guid.NewGuid():N}";
        await using (var db = new NpgsqlConnection(baseConnection))
        {
            await db.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", db);
            await command.ExecuteNonQueryAsync();
        }
        var builder = new NpgsqlConnectionStringBuilder(baseConnection) { SearchPath = schema };
        return new TestBackend(name, builder.ConnectionString, null, schema);
    }

    /// <summary>Runs raw SQL against the database behind the store's back (to tamper with it).</summary>
    public async Task<int> ExecuteAsync(string sql, params object[] values)
    {
        await using DbConnection db = Name == "sqlite" ? new SqliteConnection($"Data Source={Connection};Pooling=False") : new NpgsqlConnection(Connection);
        await db.OpenAsync();
        await using var command = db.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = $"@p{i}";
            parameter.Value = values[i];
            command.Parameters.Add(parameter);
        }
        return await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_directory is not null)
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
        }
        if (_schema is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var db = new NpgsqlConnection(PostgresConnection);
            await db.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", db);
            await command.ExecuteNonQueryAsync();
        }
    }
}
