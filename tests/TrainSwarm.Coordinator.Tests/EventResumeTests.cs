using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// Resuming the event stream with Last-Event-ID, across a coordinator restart (the events are stored with the state): a client gets exactly
/// the events it missed, in order, each once. Jobs here keep their join window open for an hour, so no event happens unless the test acts.
/// </summary>
public sealed class EventResumeTests : IAsyncLifetime
{
    private static readonly JobSpec Quiet = Specs.Tiny with { OpenSeconds = 3600 };

    private readonly CoordinatorFixture _swarm = new() { KeepPortOnRestart = true };

    public Task InitializeAsync() => _swarm.InitializeAsync();

    public Task DisposeAsync() => _swarm.DisposeAsync();

    [Fact]
    public async Task A_client_that_resumes_after_a_restart_gets_exactly_the_events_it_missed()
    {
        using var creator = await _swarm.ActorAsync("creator");
        var first = await _swarm.JobAsync(creator, Quiet);
        using var client = _swarm.Client();
        var seen = await TakeUntilAsync(client.EventsAsync(), first.Id);
        Assert.Equal(Enumerable.Range(1, seen.Count).Select(i => (long)i), seen.Select(e => e.Sequence));

        // Missed while the client was away: one job before the restart, one after.
        var before = await _swarm.JobAsync(creator, Quiet);
        await _swarm.StopAsync();
        await _swarm.StartAsync();
        var after = await _swarm.JobAsync(creator, Quiet);

        var resumed = await TakeUntilAsync(client.EventsAsync(afterSequence: seen[^1].Sequence), after.Id);
        Assert.Equal(
            [
                (before.Id, EventTypes.JobSubmitted), (before.Id, EventTypes.RoundStarted),
                (after.Id, EventTypes.JobSubmitted), (after.Id, EventTypes.RoundStarted),
            ],
            resumed.Select(e => (e.JobId, e.Type)));
        Assert.Equal(Enumerable.Range((int)seen[^1].Sequence + 1, 4).Select(i => (long)i), resumed.Select(e => e.Sequence));

        // One job's stream resumes the same way: only that job's events after the id given.
        var ofBefore = await TakeUntilAsync(client.EventsAsync(before.Id, afterSequence: resumed[0].Sequence), before.Id);
        Assert.Equal([SwarmJson.Serialize(resumed[1])], ofBefore.Select(SwarmJson.Serialize));
    }

    [Fact]
    public async Task A_client_following_the_stream_through_a_restart_gets_every_event_once_in_order()
    {
        using var creator = await _swarm.ActorAsync("creator");
        var first = await _swarm.JobAsync(creator, Quiet);
        using var client = _swarm.Client();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var received = new List<SwarmEvent>();
        var follower = Task.Run(async () =>
        {
            // SwarmClient reconnects by itself with Last-Event-ID when the connection drops.
            await foreach (var e in client.EventsAsync(cancellation: timeout.Token))
                lock (received)
                    received.Add(e);
        });
        await CoordinatorFixture.EventuallyAsync(() => Task.FromResult(Has(received, first.Id)), "the first job's round to start");

        await _swarm.StopAsync();
        await _swarm.StartAsync();
        var second = await _swarm.JobAsync(creator, Quiet);
        await CoordinatorFixture.EventuallyAsync(() => Task.FromResult(Has(received, second.Id)), "the second job's round to start, after the restart");
        List<SwarmEvent> followed;
        lock (received)
            followed = [.. received];

        // What a fresh reader gets from the stored log is what the follower got, event for event.
        var stored = await TakeUntilAsync(client.EventsAsync(), second.Id);
        Assert.Equal(stored.Select(SwarmJson.Serialize), followed.Select(SwarmJson.Serialize));
        Assert.Equal(Enumerable.Range(1, followed.Count).Select(i => (long)i), followed.Select(e => e.Sequence));
        await timeout.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => follower);
    }

    private static bool Has(List<SwarmEvent> received, string jobId)
    {
        lock (received)
            return received.Any(e => e.JobId == jobId && e.Type == EventTypes.RoundStarted);
    }

    // Reads a stream until the round of job <paramref name="jobId"/> has started (the last event its submission commits).
    private static async Task<List<SwarmEvent>> TakeUntilAsync(IAsyncEnumerable<SwarmEvent> events, string jobId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var taken = new List<SwarmEvent>();
        await foreach (var e in events.WithCancellation(timeout.Token))
        {
            taken.Add(e);
            if (e.JobId == jobId && e.Type == EventTypes.RoundStarted)
                break;
        }
        return taken;
    }
}
