using System.Runtime.CompilerServices;
using System.Threading.Channels;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Coordinator.Events;

/// <summary>
/// Fans committed events out to live subscribers (the SSE endpoint). A subscriber first gets what it missed from the
/// store (after its Last-Event-ID), then live events, without gaps or repeats: it subscribes before reading the backlog
/// and skips what it already sent.
/// </summary>
public sealed class EventHub(SwarmStore store)
{
    private readonly Lock _lock = new();
    private readonly List<Channel<SwarmEvent>> _subscribers = [];

    /// <summary>Delivers committed events to every subscriber; a slow subscriber loses its oldest buffered events, never blocks the coordinator.</summary>
    public void Publish(IEnumerable<SwarmEvent> events)
    {
        lock (_lock)
            foreach (var e in events)
                foreach (var channel in _subscribers)
                    channel.Writer.TryWrite(e);
    }

    /// <summary>
    /// Events after <paramref name="afterSequence"/> (unless <paramref name="backlog"/> is false: then only those committed from now on), then
    /// live ones, optionally only of one job; ends when cancelled.
    /// </summary>
    public async IAsyncEnumerable<SwarmEvent> StreamAsync(
        string? jobId, long afterSequence, bool backlog, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var channel = Channel.CreateBounded<SwarmEvent>(new BoundedChannelOptions(10_000) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_lock)
            _subscribers.Add(channel);
        try
        {
            var last = afterSequence;
            while (backlog)
            {
                var stored = await store.EventsAsync(last, jobId, 1000, cancellation);
                foreach (var json in stored)
                {
                    var e = SwarmJson.Deserialize<SwarmEvent>(json);
                    last = e.Sequence;
                    yield return e;
                }
                if (stored.Count < 1000)
                    break;
            }
            await foreach (var e in channel.Reader.ReadAllAsync(cancellation))
            {
                if (e.Sequence <= last || (jobId is not null && e.JobId != jobId))
                    continue;
                last = e.Sequence;
                yield return e;
            }
        }
        finally
        {
            lock (_lock)
                _subscribers.Remove(channel);
        }
    }
}
