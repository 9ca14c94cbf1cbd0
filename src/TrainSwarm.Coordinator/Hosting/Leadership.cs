using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Coordinator.Hosting;

/// <summary>
/// Which replica runs the duties that must run once (the deadline ticker, the outbox drain, ledger expiries). On
/// PostgreSQL every replica tries the <see cref="LeaderLock"/> every <see cref="CoordinatorOptions.LeaderPoll"/>; the one
/// that holds it leads until its session stops answering (then it stops at once, and another takes the freed lock).
/// On SQLite there is one process, and it always leads.
/// </summary>
public sealed class Leadership(SwarmStore store, CoordinatorOptions options, ILogger<Leadership> log) : BackgroundService
{
    private LeaderLock? _lock;
    private volatile bool _leading;

    /// <summary>This replica's name (<see cref="CoordinatorOptions.ReplicaName"/>).</summary>
    public string Replica => options.ReplicaName;

    /// <summary>True while this replica leads (always on SQLite).</summary>
    public bool IsLeader => !store.Shared || _leading;

    /// <summary>The replica that took the lock last (this one on SQLite), or null when none has yet.</summary>
    public async Task<string?> LeaderAsync(CancellationToken cancellation) =>
        store.Shared ? (await store.LeaderAsync(cancellation))?.Replica : Replica;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!store.Shared)
            return;
        using var timer = new PeriodicTimer(options.LeaderPoll);
        do
        {
            try
            {
                if (_lock is null)
                {
                    _lock = await LeaderLock.TryTakeAsync(store.SharedConnection!, Replica, options.Clock.GetUtcNow(), stoppingToken);
                    if (_lock is not null)
                    {
                        _leading = true;
                        log.LogInformation("replica {Replica} leads: it runs the deadline ticker and the ledger outbox", Replica);
                    }
                }
                else if (!await _lock.StillHeldAsync(stoppingToken))
                    await StepDownAsync("its database session stopped answering");
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "leader election failed; trying again");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task StepDownAsync(string why)
    {
        _leading = false;
        if (_lock is { } held)
        {
            _lock = null;
            await held.DisposeAsync();
            log.LogWarning("replica {Replica} stopped leading: {Why}", Replica, why);
        }
    }

    /// <summary>A replica that stops hands leadership over at once (its lock is freed) rather than when its session times out.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await StepDownAsync("it is stopping");
    }
}
