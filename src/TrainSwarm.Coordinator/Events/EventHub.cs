using System.Runtime.CompilerServices;
using System.Threading.Channels;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Coordinator.Events;

/// <summary>
/// Fans committed events out to live subscribers (the SSE endpoint). A subscriber first gets what it missed from the
/// store (after its Last-Event-ID), then live events, without gaps or repeats: it subscribes before reading the backlog
/// and skips what it already sent. A subscriber that falls <paramref name="buffered"/> events behind is never waited for
/// (the coordinator does not block on a slow reader); it is marked overflowed instead, and reads what it missed from the
/// store before going live again, so a slow reader is late, never short of an event.
/// </summary>
public sealed class EventHub(SwarmStore store, int buffered = 10_000)
{
    private const int Page = 1000;

    private readonly Lock _lock = new();
    private readonly List<Subscriber> _subscribers = [];
    private readonly SemaphoreSlim _wake = new(0, 1);
    private long _published = -1;

    /// <summary>Asks <see cref="FeedAsync"/> to look for new stored events now rather than at its next poll.</summary>
    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken: one look finds everything stored so far.
        }
    }

    /// <summary>Where the feed starts: the last event stored when the state was loaded, before any subscriber could connect.</summary>
    public void FeedFrom(long lastStored) => Interlocked.CompareExchange(ref _published, lastStored, -1);

    /// <summary>
    /// On a store shared by several coordinator replicas, publishes every event any replica commits: in sequence order, as
    /// read back from the store, a few times a second and whenever <see cref="Wake"/> is called. Subscribers read the
    /// backlog themselves, so the feed starts at the events stored from now on.
    /// </summary>
    public async Task FeedAsync(TimeSpan poll, CancellationToken cancellation)
    {
        // Set before the app serves (FeedFrom), and kept across a failed feed's restart, so live subscribers never miss an event.
        if (Interlocked.Read(ref _published) < 0)
            FeedFrom(await store.LastEventSequenceAsync(cancellation));
        while (true)
        {
            await _wake.WaitAsync(poll, cancellation);
            IReadOnlyList<string> stored;
            do
            {
                stored = await store.EventsAsync(_published, null, Page, cancellation);
                var events = stored.Select(SwarmJson.Deserialize<SwarmEvent>).ToList();
                Publish(events);
                if (events.Count > 0)
                    _published = events[^1].Sequence;
            }
            while (stored.Count == Page);
        }
    }

    /// <summary>Delivers committed events to every subscriber (call after they are stored, in sequence order).</summary>
    public void Publish(IEnumerable<SwarmEvent> events)
    {
        lock (_lock)
            foreach (var e in events)
                foreach (var subscriber in _subscribers)
                    if (!subscriber.Channel.Writer.TryWrite(e))
                        subscriber.Overflowed = true;
    }

    /// <summary>
    /// Events after <paramref name="afterSequence"/> (unless <paramref name="backlog"/> is false: then only those committed from now on), then
    /// live ones, optionally only of one job; ends when cancelled.
    /// </summary>
    public async IAsyncEnumerable<SwarmEvent> StreamAsync(
        string? jobId, long afterSequence, bool backlog, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var subscriber = new Subscriber(Channel.CreateBounded<SwarmEvent>(new BoundedChannelOptions(buffered) { SingleReader = true }));
        lock (_lock)
            _subscribers.Add(subscriber);
        try
        {
            // The highest sequence handled, of any job: where a catch-up from the store starts.
            var cursor = afterSequence;
            var catchUp = backlog;
            while (true)
            {
                while (catchUp)
                {
                    var stored = await store.EventsAsync(cursor, jobId, Page, cancellation);
                    foreach (var json in stored)
                    {
                        var e = SwarmJson.Deserialize<SwarmEvent>(json);
                        cursor = e.Sequence;
                        yield return e;
                    }
                    catchUp = stored.Count == Page;
                }
                var live = await subscriber.Channel.Reader.ReadAsync(cancellation);
                if (live.Sequence > cursor)
                {
                    cursor = live.Sequence;
                    if (jobId is null || live.JobId == jobId)
                        yield return live;
                }
                if (subscriber.Overflowed)
                {
                    // Everything after the cursor is in the store: drop the buffer and read from there.
                    subscriber.Overflowed = false;
                    while (subscriber.Channel.Reader.TryRead(out _))
                    {
                    }
                    catchUp = true;
                }
            }
        }
        finally
        {
            lock (_lock)
                _subscribers.Remove(subscriber);
        }
    }

    private sealed class Subscriber(Channel<SwarmEvent> channel)
    {
        public Channel<SwarmEvent> Channel { get; } = channel;

        public volatile bool Overflowed;
    }
}
