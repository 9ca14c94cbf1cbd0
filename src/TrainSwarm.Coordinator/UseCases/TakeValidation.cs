using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.Queries;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>A validator takes (or renews its lease on) a validating round and gets everything needed to judge it.</summary>
public sealed class TakeValidation(SwarmState state, StateCommitter committer, Permissions permissions, CoordinatorIdentity identity)
{
    /// <summary>Leases the round to <paramref name="validator"/>; returns the round, spec, strategy state, updates and failures.</summary>
    public Task<ValidationTask> TakeAsync(string validator, string roundId, CancellationToken cancellation)
    {
        permissions.RequireValidator(validator);
        return committer.MutateAsync(changes =>
        {
            var (job, round) = state.RunningRound(roundId);
            var quorum = job.Spec.ValidatorCount > 1;
            var leased = Refuse.Unless(quorum
                ? RoundMachine.TakeSeat(round, validator, job.Spec, state.Now)
                : RoundMachine.TakeValidation(round, validator, job.Spec, state.Now));
            state.PutRound(changes, leased);
            if (quorum && round.Seats?.Any(s => s.Validator == validator) != true)
                changes.Event(job.Id, roundId, new Happening(EventTypes.ValidationStarted, null,
                    $"round {round.Index}: validator {validator} took a seat ({leased.Seats!.Count + (leased.Votes?.Count ?? 0)} of "
                    + $"{job.Spec.ValidatorCount}, quorum {job.Spec.QuorumSize})"));
            else if (!quorum && round.Validator != validator)
                changes.Event(job.Id, roundId, new Happening(EventTypes.ValidationStarted, null,
                    $"round {round.Index}: validator {validator} took the round"));
            var leaseUntil = quorum ? leased.Seats!.Single(s => s.Validator == validator).LeaseUntil : leased.PhaseDeadline;
            var updates = leased.Participants.Where(p => p.Status == ParticipantStatus.Submitted)
                .Select(p => state.Updates[Kinds.UpdateKey(roundId, leased.Attempt, p.Node)]).ToList();
            var failures = leased.Participants.Where(p => p.Status != ParticipantStatus.Submitted).Select(p => p.Node).ToList();
            // The round is validating, so every update is in and no more are taken: revealing the audit secret now
            // cannot help a node choose what to upload.
            var view = leased.ToView() with { AuditCommitment = identity.AuditCommitment(leased.Id, leased.Attempt) };
            return new ValidationTask(view, job.Spec, job.StrategyStateBlob, updates, failures, leaseUntil,
                identity.AuditSecret(leased.Id, leased.Attempt));
        }, cancellation);
    }
}
