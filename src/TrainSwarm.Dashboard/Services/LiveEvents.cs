using Microsoft.Extensions.Logging;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Dashboard.Services;

/// <summary>
/// One subscription to the coordinator's event stream (SSE), shared by every open page: keeps the latest events for
/// the activity feeds and tells subscribers when something happened so they refresh what they show.
/// </summary>
public sealed class LiveEvents(CoordinatorLink link, ILogger<LiveEvents> logger) : IDisposable
{
    /// <summary>How many recent events are kept for the feeds.</summary>
    public const int Kept = 200;

    private readonly Lock _lock = new();
    private readonly LinkedList<SwarmEvent> _recent = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    /// <summary>Raised (on a background thread) for every event as it arrives.</summary>
    public event Action<SwarmEvent>? Received;

    /// <summary>The latest events, newest first.</summary>
    public IReadOnlyList<SwarmEvent> Recent(string? jobId = null, int count = 50)
    {
        EnsureStarted();
        lock (_lock)
            return _recent.Where(e => jobId is null || e.JobId == jobId).Take(count).ToList();
    }

    /// <summary>Starts the stream on first use (the coordinator must be listening by then).</summary>
    public void EnsureStarted()
    {
        lock (_lock)
            _loop ??= Task.Run(() => RunAsync(_stop.Token));
    }

    private async Task RunAsync(CancellationToken cancellation)
    {
        try
        {
            // SwarmClient reconnects by itself with Last-Event-ID, so a dropped stream loses nothing.
            await foreach (var e in link.Client.EventsAsync(cancellation: cancellation))
            {
                lock (_lock)
                {
                    _recent.AddFirst(e);
                    if (_recent.Count > Kept)
                        _recent.RemoveLast();
                }
                try
                {
                    Received?.Invoke(e);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    logger.LogWarning(error, "a dashboard event subscriber failed");
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        catch (Exception error)
        {
            logger.LogError(error, "the dashboard's event stream stopped");
            lock (_lock)
                _loop = null; // the next page to ask starts it again
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }
}
