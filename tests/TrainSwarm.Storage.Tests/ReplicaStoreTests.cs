using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Storage.Tests;

/// <summary>What coordinator replicas on one PostgreSQL rely on: document versions in commit order, and one leader per schema.</summary>
public sealed class ReplicaStoreTests
{
    [Theory, OnPostgres]
    public async Task Documents_after_a_version_are_exactly_those_written_later_in_commit_order(string backend)
    {
        await using var db = await TestBackend.CreateAsync(backend);
        var store = await SwarmStore.OpenAsync(db.Connection);
        Assert.True(store.Shared);
        await store.SaveAsync([new StoredDocument("job", "a", "{\"n\":1}"), new StoredDocument("job", "b", "{\"n\":2}")], []);
        var first = await store.DocumentsAfterAsync(-1);
        Assert.Equal(["a", "b"], first.Select(d => d.Id));
        Assert.True(first[1].Version > first[0].Version && first[0].Version > 0, string.Join(", ", first.Select(d => d.Version)));

        // A later change (here, another replica's: a second store on the same schema) rewrites a and adds c.
        var other = await SwarmStore.OpenAsync(db.Connection);
        await other.SaveAsync([new StoredDocument("job", "a", "{\"n\":3}"), new StoredDocument("node", "c", "{}")], []);
        var later = await store.DocumentsAfterAsync(first[^1].Version);
        Assert.Equal([("job", "a", "{\"n\":3}"), ("node", "c", "{}")], later.Select(d => (d.Kind, d.Id, d.Json)));
        Assert.Empty(await store.DocumentsAfterAsync(later[^1].Version));
    }

    [Theory, OnSqlite]
    public async Task Sqlite_is_not_shared_and_returns_every_document_only_on_the_full_read(string backend)
    {
        await using var db = await TestBackend.CreateAsync(backend);
        var store = await SwarmStore.OpenAsync(db.Connection);
        Assert.False(store.Shared);
        await store.SaveAsync([new StoredDocument("job", "a", "{}")], []);
        Assert.Equal([("job", "a", 0L)], (await store.DocumentsAfterAsync(-1)).Select(d => (d.Kind, d.Id, d.Version)));
        Assert.Empty(await store.DocumentsAfterAsync(0));
        Assert.Null(await store.LeaderAsync());
    }

    [Theory, OnPostgres]
    public async Task One_replica_holds_the_leader_lock_until_its_session_ends_and_then_another_takes_it(string backend)
    {
        await using var db = await TestBackend.CreateAsync(backend);
        await using var elsewhere = await TestBackend.CreateAsync(backend);
        var store = await SwarmStore.OpenAsync(db.Connection);
        await SwarmStore.OpenAsync(elsewhere.Connection);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);

        var a = await LeaderLock.TryTakeAsync(db.Connection, "a", now, CancellationToken.None);
        Assert.NotNull(a);
        Assert.Null(await LeaderLock.TryTakeAsync(db.Connection, "b", now, CancellationToken.None));
        Assert.Equal(("a", now), (await store.LeaderAsync())!.Value);
        Assert.True(await a.StillHeldAsync(CancellationToken.None));
        // Another schema of the same database has a leader lock of its own.
        await using (var other = await LeaderLock.TryTakeAsync(elsewhere.Connection, "x", now, CancellationToken.None))
            Assert.NotNull(other);

        await a.DisposeAsync();
        var b = await LeaderLock.TryTakeAsync(db.Connection, "b", now.AddSeconds(1), CancellationToken.None);
        Assert.NotNull(b);
        Assert.Equal(("b", now.AddSeconds(1)), (await store.LeaderAsync())!.Value);
        await b.DisposeAsync();
    }
}
