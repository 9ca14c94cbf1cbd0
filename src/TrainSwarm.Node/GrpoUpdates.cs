using TrainSwarm.Daemons;
using TrainSwarm.Learning.Grpo;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>
/// A node's grpo round: GRPO steps from the global policy (also the round's KL reference), prompts from the job's training pool and
/// completions sampled with the assignment's seed (the round's plus the node's slot). The receipt states the steps, the sequence
/// tokens as samples (steps × prompts × G × the longest sequence, a fact of the spec), the completions and the completion tokens
/// actually sampled, each step's loss and mean reward, and a weight commitment every commitEvery steps (by default only at the
/// round's end); the last commitment's state is the final weights themselves, which is all a validator needs, since it replays a
/// grpo round from its start (as rl's).
/// </summary>
public static class GrpoUpdates
{
    /// <summary>Trains <paramref name="assignment"/> from <paramref name="baseModel"/> on a pool thread and returns the update as delivered.</summary>
    /// <exception cref="UntrainableAssignmentException">The base model does not fit the preset, or the loss became NaN or infinite.</exception>
    public static async Task<PreparedUpdate> PrepareAsync(
        Assignment assignment, string node, byte[] baseModel, string encoding, INodeObserver observer, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(observer);
        var spec = GrpoRoundSpecs.Round(assignment.Spec);
        observer.TrainingStarted(assignment, GrpoJobSpecRules.TaskName(spec.Digits), spec.TrainPrompts, spec.Grpo.Steps);
        var tokensPerStep = assignment.Spec.GrpoSettings.TokensPerStep;
        var progress = new ProgressReporter(assignment.RoundId, observer);
        GrpoRoundResult result;
        try
        {
            result = await Task.Run(() => GrpoRoundTrainer.Train(baseModel, spec, assignment.Seed, onStep: s =>
                progress.OnStep(new RoundStep(s.Step, s.Steps, s.Loss, s.Step * tokensPerStep, s.Elapsed)), cancellation: cancellation), cancellation)
                .ConfigureAwait(false);
        }
        catch (SafeTensorsFormatException e)
        {
            throw new UntrainableAssignmentException($"the base model does not fit preset {assignment.Spec.GrpoSettings.Preset}: {e.Message}", e);
        }
        if (result.LossCurve.Any(l => !float.IsFinite(l)) || result.RewardCurve.Any(r => !double.IsFinite(r)))
            throw new UntrainableAssignmentException("training diverged (the loss became NaN or infinite); no update sent");
        var update = DeltaCodec.Encode(result.Delta, encoding);
        var final = SafeTensorsWriter.ToBytes(result.Weights);
        return new PreparedUpdate(update, [final], Receipt(assignment, node, result, BlobId.Of(update), encoding, BlobId.Of(final)));
    }

    /// <summary>The receipt of <paramref name="result"/>; <paramref name="finalState"/> is the blob id of the final weights.</summary>
    public static TrainingReceipt Receipt(
        Assignment assignment, string node, GrpoRoundResult result, string updateBlob, string encoding, string finalState)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(result);
        var commitments = RlUpdates.NamingFinalState(result.Commitments, finalState);
        return new TrainingReceipt(
            assignment.JobId, assignment.RoundId, assignment.Attempt, node, assignment.BaseModel, assignment.ShardIndex, assignment.ShardCount,
            assignment.Seed, result.Steps, result.Steps * assignment.Spec.GrpoSettings.TokensPerStep, result.LossCurve, result.ComputeSeconds,
            commitments, updateBlob, encoding, GrpoJobSpecRules.TaskName(assignment.Spec.GrpoSettings.Digits), result.Completions, result.MeanReward,
            SampledTokens: result.SampledTokens, RewardCurve: result.RewardCurve);
    }
}
