using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Ledger;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>
/// The clock's use case (run by the deadline service): closes join windows, drops late nodes, retries rounds, expires
/// jobs past their deadline, and lets the ledger release what timed out.
/// </summary>
public sealed class ApplyDeadlines(SwarmState state, StateCommitter committer, SettleRound settle, LedgerStore ledger)
{
    /// <summary>Applies the clock to every running job and its current round.</summary>
    public Task TickAsync(CancellationToken cancellation) =>
        committer.MutateAsync(changes =>
        {
            foreach (var job in state.Jobs.Values.Where(j => j.Status == JobStatus.Running).ToList())
            {
                if (JobMachine.Expire(job, state.Now) is var (expired, ending))
                {
                    settle.EndJob(changes, expired);
                    changes.Event(job.Id, null, ending);
                    continue;
                }
                var round = state.CurrentRound(job.Id);
                if (round is null || round.Status == RoundStatus.Done)
                    continue;
                var ticked = RoundMachine.Tick(round, job.Spec, state.Now);
                if (ticked.Round == round)
                    continue;
                if (ticked.Retry)
                    settle.Close(changes, job, ticked, null);
                else
                {
                    state.PutRound(changes, ticked.Round);
                    foreach (var what in ticked.Happened)
                        changes.Event(job.Id, round.Id, what);
                }
            }
            return 0;
        }, cancellation);

    /// <summary>Lets the ledger release pending transfers whose timeout passed (escrows and stakes the coordinator never resolved).</summary>
    public Task ExpireLedgerAsync(CancellationToken cancellation) => ledger.ExpireDueAsync(state.Now, cancellation);
}
