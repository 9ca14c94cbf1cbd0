using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Blobs;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>
/// The lease holder posts a round's signed result: the round closes and is settled, then the next round opens or the job
/// ends. For a job with several validators each seated validator's result is a vote, and a quorum of equal votes closes it.
/// </summary>
public sealed class AcceptResult(SwarmState state, StateCommitter committer, Permissions permissions, BlobStore blobs, SettleRound settle)
{
    /// <summary>Checks and stores the result, closes the round with it and returns the closed round.</summary>
    public Task<RoundRecord> SubmitAsync(string validator, string roundId, RoundResultSubmission submission, CancellationToken cancellation)
    {
        permissions.RequireValidator(validator);
        var result = submission.Result ?? throw Refuse.Invalid("result is required");
        // Checking and finishing the round read every verdict and the metrics; a body without them is the client's error, not a 500.
        if (result.Verdicts is null || result.Verdicts.Any(v => v is null) || result.Metrics is null)
            throw Refuse.Invalid("result.verdicts (one per delivered update) and result.metrics are required");
        var key = state.PublicKeyOf(validator)!;
        if (string.IsNullOrEmpty(submission.Signature) || !DocumentSignature.Verify(key, result, submission.Signature))
            throw Refuse.Invalid("the result signature does not verify with the validator's key");
        foreach (var blob in new[] { result.NewModel, result.StrategyStateBlob }.OfType<string>())
            if (!BlobId.IsValid(blob) || !blobs.Exists(blob))
                throw Refuse.Invalid($"blob {blob} named by the result is not stored; upload it first");
        return committer.MutateAsync(changes =>
        {
            // A job with several validators takes the result as one vote; the attempt is looked up as posted, since a
            // late vote for an attempt a quorum already accepted is still recorded.
            if (state.Rounds.GetValueOrDefault(Kinds.RoundKey(roundId, result.Attempt)) is { } attempt
                && state.Jobs[attempt.JobId].Spec.ValidatorCount > 1)
                return Vote(changes, state.Jobs[attempt.JobId], attempt, submission, validator);
            var (job, round) = state.RunningRound(roundId);
            if (RoundMachine.CheckResult(round, result, validator) is { } refusal)
                throw new RefusedException(refusal);
            state.PutResult(changes, submission);
            var finished = RoundMachine.Finish(round, result, state.Now);
            settle.Close(changes, job, finished, result);
            return finished.Round;
        }, cancellation);
    }

    /// <summary>
    /// Records a validator's vote and acts on the quorum decision: accepted, the round closes with the first agreeing
    /// result and the agreeing validators share the fee; no quorum, the attempt closes unpaid and is retried (the job fails
    /// after <see cref="RoundMachine.MaxAttempts"/>); late, only the record (and a dissent) is added.
    /// </summary>
    private RoundRecord Vote(Changes changes, JobRecord job, RoundRecord round, RoundResultSubmission submission, string validator)
    {
        if (round.Status == RoundStatus.Validating && job.Status != JobStatus.Running)
            throw Refuse.Conflict($"job {job.Id} has ended ({job.Status.ToString().ToLowerInvariant()})");
        var outcome = Refuse.Unless(RoundMachine.Vote(round, submission.Result, validator, Quorum.AgreementKey(submission.Result), job.Spec, state.Now));
        if (outcome.Decision == VoteDecision.Repeated)
            return round;
        state.PutVote(changes, submission);
        foreach (var what in outcome.Happened)
            changes.Event(job.Id, round.Id, what);
        switch (outcome.Decision)
        {
            case VoteDecision.Accepted:
                var first = outcome.Agreeing[0];
                var accepted = first == validator ? submission : state.Votes[Kinds.UpdateKey(round.Id, round.Attempt, first)];
                state.PutResult(changes, accepted);
                var finished = RoundMachine.Finish(outcome.Round, accepted.Result, state.Now);
                settle.Close(changes, job, finished, accepted.Result, outcome.Agreeing, outcome.Dissenting);
                return finished.Round;
            case VoteDecision.NoQuorum:
                settle.Close(changes, job, new TickResult(outcome.Round, [], Retry: true), null);
                return outcome.Round;
            case VoteDecision.Late when outcome.Dissenting.Count > 0 && state.Escrows.GetValueOrDefault(job.Id) is { } escrow:
                // The round was paid when the quorum formed; a late dissent only joins the receipt's list of dissenters.
                state.PutEscrow(changes, escrow with
                {
                    Rounds = escrow.Rounds.Select(r => r.RoundId == round.Id && r.Attempt == round.Attempt
                        ? r with { Dissenters = [.. r.Dissenters ?? [], validator] }
                        : r).ToList(),
                });
                break;
        }
        state.PutRound(changes, outcome.Round);
        return outcome.Round;
    }
}
