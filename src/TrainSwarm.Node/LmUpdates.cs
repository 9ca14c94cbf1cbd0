using TrainSwarm.Daemons;
using TrainSwarm.Learning.Training;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>
/// A node's lm round: H next-token steps from the global GPT on its shard of the corpus (a contiguous token range, fixed by the
/// shard count and index), seeded by the assignment's seed (the round's plus the node's slot). The receipt states the steps, the
/// tokens as samples, every step's loss and a commitment every commitEvery steps, whose training states are kept on disk for
/// the validators' requests as for image rounds.
/// </summary>
public static class LmUpdates
{
    /// <summary>Trains <paramref name="assignment"/> from <paramref name="baseModel"/> on a pool thread and returns the update as delivered.</summary>
    /// <exception cref="UntrainableAssignmentException">The corpus is missing here, or the loss became NaN or infinite.</exception>
    public static async Task<PreparedUpdate> PrepareAsync(
        Assignment assignment, string node, byte[] baseModel, string encoding, INodeObserver observer, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(observer);
        var corpus = assignment.Spec.LmSettings.Corpus;
        var shard = Shard(assignment);
        var spec = LmRoundSpecs.For(assignment.Spec, assignment.Index);
        observer.TrainingStarted(assignment, corpus, shard.Length, spec.Training.Steps);
        var progress = new ProgressReporter(assignment.RoundId, observer);
        var result = await Task.Run(() => LmRoundTrainer.Train(baseModel, spec, shard, assignment.Seed, progress.OnStep, cancellation), cancellation)
            .ConfigureAwait(false);
        if (result.LossCurve.Any(l => !float.IsFinite(l)))
            throw new UntrainableAssignmentException("training diverged (the loss became NaN or infinite); no update sent");
        var update = DeltaCodec.Encode(result.Delta, encoding);
        var local = new LocalUpdate(corpus, shard.Length, result, Device: TrainSwarm.Tensors.Engine.DeviceKind);
        return new PreparedUpdate(update, result.Checkpoints ?? [], AssignmentTrainer.Receipt(assignment, node, local, BlobId.Of(update), encoding));
    }

    /// <summary>This node's shard of the job's corpus: tokens [n·i/k, n·(i+1)/k) of the training stream.</summary>
    public static ReadOnlyMemory<int> Shard(Assignment assignment)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        try
        {
            return LmRoundSpecs.Corpus(assignment.Spec.LmSettings.Corpus).Shard(assignment.ShardCount, assignment.ShardIndex);
        }
        catch (Exception e) when (e is FileNotFoundException or NotSupportedException or IOException or UnauthorizedAccessException)
        {
            throw new UntrainableAssignmentException($"corpus '{assignment.Spec.LmSettings.Corpus}' is not available: {e.Message}", e);
        }
    }
}
