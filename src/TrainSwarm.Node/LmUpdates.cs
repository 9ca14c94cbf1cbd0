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
    /// <param name="slot">The node's tokens and, of an upload, their shard blobs (<see cref="ShardAsync"/>).</param>
    /// <exception cref="UntrainableAssignmentException">The loss became NaN or infinite.</exception>
    public static async Task<PreparedUpdate> PrepareAsync(Assignment assignment, string node, byte[] baseModel, string encoding,
        INodeObserver observer, (ReadOnlyMemory<int> Tokens, IReadOnlyList<string>? Blobs) slot, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        ArgumentNullException.ThrowIfNull(observer);
        var corpus = assignment.Spec.LmSettings.Corpus;
        var (shard, blobs) = slot;
        var spec = LmRoundSpecs.For(assignment.Spec, assignment.Index);
        observer.TrainingStarted(assignment, corpus, shard.Length, spec.Training.Steps);
        var progress = new ProgressReporter(assignment.RoundId, observer);
        var result = await Task.Run(() => LmRoundTrainer.Train(baseModel, spec, shard, assignment.Seed, progress.OnStep, cancellation), cancellation)
            .ConfigureAwait(false);
        if (result.LossCurve.Any(l => !float.IsFinite(l)))
            throw new UntrainableAssignmentException("training diverged (the loss became NaN or infinite); no update sent");
        var update = DeltaCodec.Encode(result.Delta, encoding);
        var local = new LocalUpdate(corpus, shard.Length, result, blobs, Device: TrainSwarm.Tensors.Engine.DeviceKind);
        return new PreparedUpdate(update, result.Checkpoints ?? [], AssignmentTrainer.Receipt(assignment, node, local, BlobId.Of(update), encoding));
    }

    /// <summary>
    /// This node's shard of the job's corpus: of the named corpus, tokens [n·i/k, n·(i+1)/k) of the training stream; of an uploaded
    /// text dataset, its slot's shards (every j ≡ i mod k) downloaded from the coordinator and joined, with their blob ids for
    /// the receipt (never the holdout, never another slot's).
    /// </summary>
    /// <exception cref="UntrainableAssignmentException">The corpus is missing here, or is not a text upload.</exception>
    public static async Task<(ReadOnlyMemory<int> Tokens, IReadOnlyList<string>? Blobs)> ShardAsync(
        Assignment assignment, UploadedShards? uploaded, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(assignment);
        var corpus = assignment.Spec.LmSettings.Corpus;
        try
        {
            if (!LmRoundSpecs.IsUploaded(assignment.Spec))
                return (LmRoundSpecs.Corpus(corpus).Shard(assignment.ShardCount, assignment.ShardIndex), null);
            if (uploaded is null)
                throw new UntrainableAssignmentException($"corpus '{corpus}' is an upload, and this node fetches none");
            var (tokens, blobs) = await uploaded.TokenSlotAsync(corpus, assignment.ShardIndex, assignment.ShardCount, cancellation).ConfigureAwait(false);
            return (tokens, blobs);
        }
        catch (Exception e) when (e is FileNotFoundException or NotSupportedException or IOException or UnauthorizedAccessException
            or TrainSwarm.Learning.Data.DataFormatException)
        {
            throw new UntrainableAssignmentException($"corpus '{corpus}' is not available: {e.Message}", e);
        }
    }
}
