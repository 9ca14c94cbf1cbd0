using TrainSwarm.Daemons;
using TrainSwarm.Learning.Rl;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>
/// A node's rl round: PPO from the global policy for the job's rollouts per round, seeded by the round seed and the node's slot,
/// starting the schedules where the job's earlier rounds left one node (<see cref="RlRoundSpecs"/>). The receipt states the
/// rollouts as steps, the environment steps as samples, the episodes and their mean return, the loss of every minibatch step
/// and a weight commitment every commitEvery rollouts; the last commitment's state is the final weights themselves (a
/// safetensors blob whose id is the committed hash), which is all a validator needs, since it replays rl rounds from their start.
/// </summary>
public static class RlUpdates
{
    /// <summary>Trains <paramref name="assignment"/> from <paramref name="baseModel"/> on a pool thread and returns the update as delivered.</summary>
    /// <exception cref="UntrainableAssignmentException">The loss became NaN or infinite.</exception>
    public static async Task<(PreparedUpdate Update, RlRoundResult Result)> PrepareAsync(
        Assignment assignment, string node, byte[] baseModel, string encoding, INodeObserver observer, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(observer);
        var spec = RlRoundSpecs.From(assignment.Spec);
        observer.TrainingStarted(assignment, spec.Environment, 0, spec.Rollouts);
        var result = await Task.Run(() => Train(baseModel, assignment, cancellation), cancellation).ConfigureAwait(false);
        observer.TrainingProgress(assignment.RoundId, result.Rollouts, spec.Rollouts, result.LossCurve.Count > 0 ? result.LossCurve[^1] : 0,
            result.EnvSteps / Math.Max(1e-9, result.ComputeSeconds));
        if (result.LossCurve.Any(l => !float.IsFinite(l)))
            throw new UntrainableAssignmentException("training diverged (the loss became NaN or infinite); no update sent");
        var update = DeltaCodec.Encode(result.Delta, encoding);
        var final = SafeTensorsWriter.ToBytes(result.Weights);
        return (new PreparedUpdate(update, [final], Receipt(assignment, node, result, BlobId.Of(update), encoding, BlobId.Of(final))), result);
    }

    /// <summary>The node's training run of <paramref name="assignment"/>: deterministic in (base, spec, round seed, slot, round index).</summary>
    public static RlRoundResult Train(byte[] baseModel, Assignment assignment, CancellationToken cancellation = default, int? stopAfter = null)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var spec = assignment.Spec;
        // The assignment's seed is already the node's own: the round's seed plus its slot (RlRoundSpecs.NodeSeed).
        return RlRoundTrainer.Train(baseModel, RlRoundSpecs.From(spec), assignment.Seed,
            RlRoundSpecs.TimestepsBefore(spec, assignment.Index), stopAfter, cancellation);
    }

    /// <summary>The receipt of <paramref name="result"/>; <paramref name="finalState"/> is the blob id of the final weights.</summary>
    public static TrainingReceipt Receipt(
        Assignment assignment, string node, RlRoundResult result, string updateBlob, string encoding, string finalState)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(result);
        var commitments = NamingFinalState(result.Commitments, finalState);
        return new TrainingReceipt(
            assignment.JobId, assignment.RoundId, assignment.Attempt, node, assignment.BaseModel, assignment.ShardIndex, assignment.ShardCount,
            assignment.Seed, result.Rollouts, result.EnvSteps, result.LossCurve, result.ComputeSeconds, commitments, updateBlob, encoding,
            assignment.Spec.RlSettings.Environment, result.Episodes, double.IsFinite(result.MeanEpisodeReturn) ? result.MeanEpisodeReturn : null);
    }

    /// <summary>
    /// The receipt's commitments of a round replayed from its start (rl, grpo): the last names the final weights' blob as its state,
    /// the others name none.
    /// </summary>
    internal static List<Commitment> NamingFinalState(IReadOnlyList<WeightCommitment> commitments, string finalState) =>
        commitments.Select((c, i) => new Commitment(c.Step, c.Sha256, i == commitments.Count - 1 ? finalState : null)).ToList();
}
