using System.Text.Json;
using Npgsql;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// Two coordinators in this process on one PostgreSQL schema and one data folder (key, blobs): what one commits, the
/// other knows at its next request (its signature checks, reads and SSE subscribers included), and exactly one leads.
/// </summary>
public sealed class ReplicaStateTests : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(60);
    private string? _schema;
    private CoordinatorFixture? _a;
    private CoordinatorFixture? _b;

    public Task InitializeAsync() => Task.CompletedTask;

    private async Task<(CoordinatorFixture A, CoordinatorFixture B)> StartPairAsync()
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
        _a = new CoordinatorFixture { Database = connection, Replica = "a", KeepPortOnRestart = true };
        await _a.StartAsync();
        _b = new CoordinatorFixture { Database = connection, Replica = "b", DataDirectory = _a.DataDirectory };
        await _b.StartAsync();
        return (_a, _b);
    }

    public async Task DisposeAsync()
    {
        if (_b is not null)
            await _b.DisposeAsync();
        if (_a is not null)
            await _a.DisposeAsync();
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
    public async Task A_node_registered_on_b_is_online_on_a_joins_through_a_and_b_reads_and_streams_the_join()
    {
        var (a, b) = await StartPairAsync();
        using var node = await b.NodeAsync("fashion-mnist");
        using (var reader = a.Client())
            Assert.True((await reader.NodeAsync(node.Address))!.Online, "A does not count B's node online");
        using var creator = await a.ActorAsync("creator");
        var job = await a.JobAsync(creator, Specs.Tiny with { MinNodes = 2, MaxNodes = 3, OpenSeconds = 3600 });
        var round = await b.RoundOfAsync(job.Id);

        // A live subscriber on B, then the join signed by B's node and sent to A (which must know the key B registered).
        using var stop = new CancellationTokenSource(Generous);
        using var watcher = b.Client();
        var joined = FirstAsync(watcher.EventsAsync(job.Id, 0, stop.Token), EventTypes.NodeJoined);
        using (var client = a.Client(node))
            await client.JoinAsync(round.Id);
        Assert.Equal(node.Address, (await joined).Node);
        using (var reader = b.Client())
            Assert.Equal([node.Address], (await reader.RoundAsync(round.Id)).Participants.Select(p => p.Node));
        // Both wrote one event log: the same sequence numbers from either replica, no repeats.
        using (var onA = a.Client())
        using (var onB = b.Client())
        {
            var fromA = (await onA.EventLogAsync(0, 1000)).Events.Select(e => e.Sequence).ToList();
            Assert.Equal(fromA, (await onB.EventLogAsync(0, 1000)).Events.Select(e => e.Sequence));
            Assert.Equal(Enumerable.Range(1, fromA.Count).Select(i => (long)i), fromA);
        }
        await a.AssertLedgerOkAsync();
    }

    [PostgresFact]
    public async Task Exactly_one_replica_leads_and_when_it_stops_the_other_leads_and_the_restarted_one_follows()
    {
        var (a, b) = await StartPairAsync();
        var views = await WaitAsync(async () => new[] { await ReadyAsync(a), await ReadyAsync(b) } is var v && v.Any(r => r.Leading) ? v : null);
        Assert.Equal(["a", "b"], views.Select(v => v.Replica));
        var leading = Assert.Single(views, v => v.Leading);
        var (leader, follower) = leading.Replica == "a" ? (a, b) : (b, a);
        Assert.Equal(leading.Replica, (await ReadyAsync(follower)).Leader);

        await leader.StopAsync();
        var taken = await WaitAsync(async () => await ReadyAsync(follower) is { Leading: true } h ? h : null);
        Assert.Equal(taken.Replica, taken.Leader);
        if (leader == a)
        {
            await a.StartAsync();
            var back = await ReadyAsync(a);
            Assert.Equal((false, "b"), (back.Leading, back.Leader));
        }
    }

    private sealed record Ready(string Replica, bool Leading, string? Leader);

    private static async Task<Ready> ReadyAsync(CoordinatorFixture swarm)
    {
        using var response = await swarm.Http.GetAsync(new Uri(swarm.BaseAddress, "/health/ready"));
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = doc.RootElement;
        return new Ready(root.GetProperty("replica").GetString()!, root.GetProperty("leading").GetBoolean(),
            root.GetProperty("leader").ValueKind == JsonValueKind.String ? root.GetProperty("leader").GetString() : null);
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe) where T : class
    {
        var deadline = DateTime.UtcNow + Generous;
        while (true)
        {
            if (await probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out after {Generous.TotalSeconds:0} s");
            await Task.Delay(100);
        }
    }

    private static async Task<SwarmEvent> FirstAsync(IAsyncEnumerable<SwarmEvent> events, string type)
    {
        await foreach (var e in events)
            if (e.Type == type)
                return e;
        throw new InvalidOperationException($"the stream ended without a {type} event");
    }
}
