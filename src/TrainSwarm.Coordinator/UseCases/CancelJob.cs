using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>The creator cancels a running job: its open round closes with it, stakes are released and the unspent escrow refunded.</summary>
public sealed class CancelJob(SwarmState state, StateCommitter committer, SettleRound settle)
{
    /// <summary>Cancels the job (creator only) and returns it as ended.</summary>
    public Task<JobRecord> CancelAsync(string actor, string jobId, CancellationToken cancellation) =>
        committer.MutateAsync(changes =>
        {
            var job = state.Jobs.GetValueOrDefault(jobId) ?? throw Refuse.NotFound($"no job {jobId}");
            var cancelled = Refuse.Unless(JobMachine.Cancel(job, actor, state.Now));
            var ended = settle.EndJob(changes, cancelled);
            changes.Event(jobId, null, new Happening(EventTypes.JobDone, null, $"job {jobId} cancelled by the creator"));
            return ended;
        }, cancellation);
}
