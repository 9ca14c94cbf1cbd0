using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Daemons;

/// <summary>
/// Cuts a daemon's poll sleep short when the coordinator publishes an event it cares about (a round opening, a round's updates all in),
/// so the next poll runs milliseconds after the change instead of up to a poll interval later. It listens to the coordinator's live
/// events (SSE, <see cref="SwarmClient.LiveEventsAsync"/>) in the background; the poll interval stays the fallback, so a dropped or
/// refused stream only makes the daemon as slow as it was without this, never wrong: the poll, not the event, decides what to do.
/// </summary>
public sealed class EventWakeup : IAsyncDisposable
{
    private readonly HashSet<string> _types;
    private readonly TimeProvider _clock;
    private readonly CancellationTokenSource _stop;
    private readonly Task _listener;
    // Completed (and replaced) by every event that matters; the sleeper waits on the one current when it started waiting.
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Set by an event that arrived while nobody slept (the daemon was polling): the next sleep returns at once, as the poll may have
    // read the coordinator's state just before the change.
    private int _pending;
    private long _wakeups;

    /// <summary>Starts listening on <paramref name="client"/> for events of <paramref name="types"/> (<see cref="EventTypes"/>).</summary>
    public EventWakeup(SwarmClient client, IEnumerable<string> types, TimeProvider? clock = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(types);
        _types = new HashSet<string>(types, StringComparer.Ordinal);
        _clock = clock ?? TimeProvider.System;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        _listener = Task.Run(() => ListenAsync(client, _stop.Token));
    }

    /// <summary>The number of wake-ups so far (events that matched).</summary>
    public long Wakeups => Interlocked.Read(ref _wakeups);

    /// <summary>Waits <paramref name="interval"/>, or less: until the next matching event, or not at all if one came since the last wait.</summary>
    public async Task SleepAsync(TimeSpan interval, CancellationToken cancellation)
    {
        var woken = Volatile.Read(ref _next).Task;
        if (Interlocked.Exchange(ref _pending, 0) == 1)
            return;
        using var sleep = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var delay = Task.Delay(interval, _clock, sleep.Token);
        var first = await Task.WhenAny(woken, delay).ConfigureAwait(false);
        await sleep.CancelAsync().ConfigureAwait(false);
        cancellation.ThrowIfCancellationRequested();
        // This wake-up is consumed by the poll that follows: it reads the coordinator's state after the event.
        if (first == woken)
            Interlocked.Exchange(ref _pending, 0);
    }

    private async Task ListenAsync(SwarmClient client, CancellationToken cancellation)
    {
        try
        {
            // The client reconnects by itself after a dropped connection; only a refusal or a stop ends the loop.
            await foreach (var e in client.LiveEventsAsync(cancellation).ConfigureAwait(false))
                if (_types.Contains(e.Type))
                    Wake();
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception) when (!cancellation.IsCancellationRequested)
        {
            // Whatever ended the stream (a refusal, an old coordinator without live events, a garbled line), the daemon keeps polling at its
            // interval, which is all it did before: a wake-up is an optimization, never a reason to stop.
        }
    }

    private void Wake()
    {
        Interlocked.Increment(ref _wakeups);
        Interlocked.Exchange(ref _pending, 1);
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Stops listening.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _listener.ConfigureAwait(false);
        _stop.Dispose();
    }
}
