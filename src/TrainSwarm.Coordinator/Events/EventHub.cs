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
