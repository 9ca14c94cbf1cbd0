using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Blobs;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>The lease holder posts a round's signed result: the round closes and is settled, then the next round opens or the job ends.</summary>
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
            var (job, round) = state.RunningRound(roundId);
            if (RoundMachine.CheckResult(round, result, validator) is { } refusal)
                throw new RefusedException(refusal);
            state.PutResult(changes, submission);
            var finished = RoundMachine.Finish(round, result, state.Now);
            settle.Close(changes, job, finished, result);
            return finished.Round;
        }, cancellation);
    }
}
