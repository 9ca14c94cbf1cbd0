using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Coordinator.UseCases;

namespace TrainSwarm.Coordinator.Hosting;

/// <summary>
/// Applies the clock to every running round a few times a second: closes join windows, drops late nodes, retries
/// rounds, expires jobs past their deadline; and every few seconds finishes the ledger's side (outbox, expiries).
/// Only the leading replica ticks (<see cref="Leadership"/>); the others serve requests.
/// </summary>
internal sealed class DeadlineService(
    ApplyDeadlines deadlines, StateCommitter committer, Leadership leadership, CoordinatorOptions options, ILogger<DeadlineService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.TickInterval);
        var ticks = 0L;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!leadership.IsLeader)
                continue;
            try
            {
                await deadlines.TickAsync(stoppingToken);
                // Less often: retry ledger transfers a failed drain left behind, and let the ledger expire what timed out.
                if (ticks++ % 25 == 0)
                {
                    await committer.DrainOutboxAsync(stoppingToken);
                    await deadlines.ExpireLedgerAsync(stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A failed tick (e.g. the database was briefly busy) is retried at the next one; nothing was applied.
                log.LogWarning(e, "deadline tick failed");
            }
        }
    }
}
