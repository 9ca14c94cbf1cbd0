using Npgsql;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>
/// The test PostgreSQL server (./test.sh starts one and sets TRAINSWARM_TEST_PG). Without the variable the tests are
/// reported as skipped with the reason, unless CI or TRAINSWARM_REQUIRE_PG is set (then they fail); with it set and the
/// server unreachable, they fail.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string Variable = "TRAINSWARM_TEST_PG";

    public static string? Connection => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } c ? c : null;

    private static bool Required =>
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("CI"))
        || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("TRAINSWARM_REQUIRE_PG"));

    public PostgresFactAttribute()
    {
        if (Connection is null && !Required)
            Skip = $"{Variable} is not set (./test.sh sets it after starting a local PostgreSQL; set CI or TRAINSWARM_REQUIRE_PG to fail instead)";
    }
}

/// <summary>A fresh schema of the test database for one test (its coordinators' tables and advisory locks), dropped at the end.</summary>
internal sealed class TestSchema : IAsyncDisposable
{
    private readonly string _base;
    private readonly string _name;

    private TestSchema(string baseConnection, string name, string connection)
    {
        _base = baseConnection;
        _name = name;
        Connection = connection;
    }

    /// <summary>The connection string the coordinators get (search_path set to the schema).</summary>
    public string Connection { get; }

    public static async Task<TestSchema> CreateAsync()
    {
        var baseConnection = PostgresFactAttribute.Connection ?? throw new InvalidOperationException(
            $"{PostgresFactAttribute.Variable} is not set, but CI or TRAINSWARM_REQUIRE_PG is: start a PostgreSQL server (./test.sh does) and set it");
        var name = $"t_{Guid.NewGuid():N}";
        await using (var db = new NpgsqlConnection(baseConnection))
        {
            await db.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {name}", db);
            await command.ExecuteNonQueryAsync();
        }
        return new TestSchema(baseConnection, name, new NpgsqlConnectionStringBuilder(baseConnection) { SearchPath = name }.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var db = new NpgsqlConnection(_base);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_name} CASCADE", db);
        await command.ExecuteNonQueryAsync();
    }
}
