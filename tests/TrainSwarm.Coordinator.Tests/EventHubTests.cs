using TrainSwarm.Coordinator.Events;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>The event hub against a real SQLite store: a subscriber that falls behind its buffer still gets every event, once.</summary>
public sealed class EventHubTests : IAsyncLifetime
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ts-event-hub-tests-" + Guid.NewGuid().ToString("N"));
    private SwarmStore? _store;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _store = await SwarmStore.OpenAsync(Path.Combine(_folder, "swarm.db"));
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("job-a")]
    public async Task A_subscriber_that_overflows_its_buffer_reads_what_it_missed_from_the_store_without_gaps_or_repeats(string? job)
    {
        var hub = new EventHub(_store!, buffered: 4);
        await CommitAsync(hub, 1, 3);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await using var stream = hub.StreamAsync(job, 0, backlog: true, timeout.Token).GetAsyncEnumerator(timeout.Token);
        var received = new List<long>();
        while (received.Count < Expected(job, 1, 3).Count && await stream.MoveNextAsync())
            received.Add(stream.Current.Sequence);

        // The subscriber is live now and reads nothing while 20 events are committed: 4 fit its buffer, 16 overflow it.
        await CommitAsync(hub, 4, 23);
        var all = Expected(job, 1, 23);
        while (received.Count < all.Count && await stream.MoveNextAsync())
            received.Add(stream.Current.Sequence);
        Assert.Equal(all, received);

        // And it is live again afterwards.
        await CommitAsync(hub, 24, 24);
        var next = Expected(job, 24, 24);
        if (next.Count > 0)
        {
            Assert.True(await stream.MoveNextAsync());
            Assert.Equal(24, stream.Current.Sequence);
        }
    }

    // Odd sequences belong to job-a, even ones to job-b, as the coordinator stores them and then publishes them.
    private async Task CommitAsync(EventHub hub, long first, long last)
    {
        var events = new List<SwarmEvent>();
        for (var sequence = first; sequence <= last; sequence++)
            events.Add(new SwarmEvent(sequence, EventTypes.JobSubmitted, DateTimeOffset.UnixEpoch, sequence % 2 == 1 ? "job-a" : "job-b",
                null, null, $"event {sequence}", null));
        await _store!.SaveAsync([], [.. events.Select(e => new StoredEvent(e.Sequence, e.JobId, SwarmJson.Serialize(e)))]);
        hub.Publish(events);
    }

    private static List<long> Expected(string? job, long first, long last) =>
        [.. Enumerable.Range((int)first, (int)(last - first + 1)).Select(s => (long)s).Where(s => job is null || s % 2 == 1)];
}
