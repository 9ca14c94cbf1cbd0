using System.Net;
using Npgsql;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// The test PostgreSQL server, as tests/TrainSwarm.Storage.Tests uses it: ./test.sh starts a local server and sets
/// TRAINSWARM_TEST_PG. Without the variable the tests are reported as skipped (never as passed), unless CI or
/// TRAINSWARM_REQUIRE_PG is set, in which case they fail. With the variable set and the server unreachable, they fail.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "TRAINSWARM_TEST_PG";
    public const string RequireVariable = "TRAINSWARM_REQUIRE_PG";

    public static string? Connection => Environment.GetEnvironmentVariable(Variable) is { } c && !string.IsNullOrWhiteSpace(c) ? c : null;

    /// <summary>True when a missing server must fail the run rather than skip (CI, or asked for explicitly).</summary>
    public static bool Required =>
        !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("CI")) || !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(RequireVariable));

    /// <summary>The connection string, or a failed test saying how to provide one.</summary>
    public static string RequireConnection() => Connection ?? throw new InvalidOperationException(
        $"{Variable} is not set, but CI or {RequireVariable} is, so the PostgreSQL tests must run: start a PostgreSQL server "
        + $"(./test.sh starts one on 127.0.0.1:55432) and set {Variable} to its connection string");
}

/// <summary>A fact that runs on PostgreSQL: skipped (visibly) without <see cref="TestPostgres.Variable"/>, unless it is required.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (TestPostgres.Connection is null && !TestPostgres.Required)
            Skip = $"{TestPostgres.Variable} is not set (./test.sh sets it after starting a local PostgreSQL; set CI or {TestPostgres.RequireVariable} to " +
                "fail instead)";
    }
}

/// <summary>
/// <see cref="RestartTests"/> with the coordinator's state in PostgreSQL: each test gets a fresh schema of the test
/// database (dropped at the end), so reruns never see each other's rows.
/// </summary>
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private string? _schema;
    private CoordinatorFixture? _swarm;

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task<CoordinatorFixture> StartAsync()
    {
        var baseConnection = TestPostgres.RequireConnection();
        _schema = $"t_{Guid.NewGuid():N}";
        await using (var db = new NpgsqlConnection(baseConnection))
        {
            await db.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {_schema}", db);
            await command.ExecuteNonQueryAsync();
        }
        var connection = new NpgsqlConnectionStringBuilder(baseConnection) { SearchPath = _schema }.ConnectionString;
        _swarm = new CoordinatorFixture { Database = connection };
        await _swarm.StartAsync();
        return _swarm;
    }

    private async Task<long> RowsAsync(string sql)
    {
        await using var db = new NpgsqlConnection(TestPostgres.Connection);
        await db.OpenAsync();
        await using var command = new NpgsqlCommand(sql, db);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        if (_swarm is not null)
            await _swarm.DisposeAsync();
        if (_schema is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var db = new NpgsqlConnection(TestPostgres.Connection);
            await db.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", db);
            await command.ExecuteNonQueryAsync();
        }
    }

    [PostgresFact]
    public async Task Jobs_rounds_participants_and_nodes_survive_a_restart_on_postgres_and_the_job_can_still_be_cancelled()
    {
        var swarm = await StartAsync();
        using var creator = await swarm.ActorAsync("creator");
        var job = await swarm.JobAsync(creator, Specs.Tiny with { MinNodes = 2, MaxNodes = 3, OpenSeconds = 3600 });
        using var node = await swarm.NodeAsync("fashion-mnist");
        var round = await swarm.RoundOfAsync(job.Id);
        Assignment assignment;
        using (var client = swarm.Client(node))
            assignment = await client.JoinAsync(round.Id);

        string jobsBefore, roundsBefore, nodeBefore;
        using (var reader = swarm.Client())
        {
            jobsBefore = SwarmJson.Serialize(await reader.JobsAsync());
            roundsBefore = SwarmJson.Serialize(await reader.JobRoundsAsync(job.Id));
            nodeBefore = SwarmJson.Serialize((await reader.NodeAsync(node.Address)) with { LastSeenAt = default, Online = false });
        }

        // The state went to PostgreSQL (in this test's schema), not to a SQLite file in the data directory.
        Assert.False(File.Exists(Path.Combine(swarm.DataDirectory, "swarm.db")), "the coordinator wrote a SQLite database despite the PostgreSQL option");
        Assert.True(await RowsAsync($"SELECT COUNT(*) FROM {_schema}.swarm_documents") > 0, $"no documents in schema {_schema}");

        await swarm.StopAsync();
        await swarm.StartAsync();

        using (var after = swarm.Client())
        {
            Assert.Equal(jobsBefore, SwarmJson.Serialize(await after.JobsAsync()));
            Assert.Equal(roundsBefore, SwarmJson.Serialize(await after.JobRoundsAsync(job.Id)));
            Assert.Equal(nodeBefore, SwarmJson.Serialize((await after.NodeAsync(node.Address)) with { LastSeenAt = default, Online = false }));
            var reloadedJob = await after.JobAsync(job.Id);
            Assert.Equal(JobStatus.Running, reloadedJob.Status);
            var reloaded = await after.RoundAsync(round.Id);
            Assert.Equal(RoundStatus.Open, reloaded.Status);
            var participant = Assert.Single(reloaded.Participants);
            Assert.Equal((node.Address, 0, 0, ParticipantStatus.Joined), (participant.Node, participant.Slot, participant.Shard, participant.Status));
            Assert.Equal([assignment with { AuditCommitment = null }], await after.AssignmentsAsync(node.Address));
            Assert.Equal(HttpStatusCode.OK, await swarm.StatusOfGetAsync(Routes.Blob(job.InitialModelBlob)));
        }

        // The node's key is still registered: joining again is a conflict, not an unknown signer.
        using (var client = swarm.Client(node))
        {
            using var rejoin = await client.SendSignedRawAsync(HttpMethod.Post, Routes.RoundJoin(round.Id), "{}"u8.ToArray(), "application/json");
            await AssertAsync(rejoin, HttpStatusCode.Conflict);
        }

        // A state change after the restart is written to the same database: the creator cancels the job...
        using (var client = swarm.Client(creator))
        {
            var cancelled = await client.CancelJobAsync(job.Id);
            Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        }
        // ...and the cancellation itself survives another restart.
        await swarm.StopAsync();
        await swarm.StartAsync();
        using (var reader = swarm.Client())
        {
            Assert.Equal(JobStatus.Cancelled, (await reader.JobAsync(job.Id)).Status);
            Assert.Empty(await reader.AssignmentsAsync(node.Address));
        }
        Assert.False(File.Exists(Path.Combine(swarm.DataDirectory, "swarm.db")));
    }
}
