using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Coordinator.Events;

/// <summary>
/// Runs the <see cref="EventHub"/>'s feed when the store is shared by replicas (PostgreSQL), so a subscriber on any
/// replica sees the events every replica commits; with one process (SQLite) commits are published directly.
/// </summary>
internal sealed class EventFeed(EventHub hub, SwarmStore store, ILogger<EventFeed> log) : BackgroundService
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!store.Shared)
            return;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await hub.FeedAsync(Poll, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database was briefly unreachable: start again from what is stored then (subscribers catch up from the store).
                log.LogWarning(e, "event feed failed; restarting");
                await Task.Delay(Poll, stoppingToken);
            }
        }
    }
}
