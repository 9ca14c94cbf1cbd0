using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Validator;

/// <summary>
/// What <see cref="ReplayCheck"/> needs from a job kind to replay a committed segment: the model's parameter layout (a committed
/// state must hold exactly it), the work one step states, and the segment's training itself. One per round: a kind whose
/// schedule follows the round (lm) is built with it.
/// </summary>
public interface IReplayTrainer
{
    /// <summary>The model's parameters (names, order, dtypes, shapes), as <see cref="ModuleWeights.Export"/> gives them.</summary>
    IReadOnlyList<NamedArray> Layout { get; }

    /// <summary>Why shard <paramref name="shard"/> of <paramref name="shardCount"/> cannot be replayed here, or null when it can.</summary>
    string? Unavailable(int shard, int shardCount);

    /// <summary>The samples one step of the shard trains on (image: the batch actually used; lm: B × T tokens).</summary>
    long SamplesPerStep(int shard, int shardCount);

    /// <summary>
    /// Replays steps <paramref name="fromStep"/>+1 … <paramref name="stopAfter"/> of a run of <paramref name="steps"/> steps on the
    /// shard with <paramref name="seed"/>, from <paramref name="start"/> (the base model at step 0, else the committed state), and
    /// returns the commitments it made.
    /// </summary>
    IReadOnlyList<WeightCommitment> Replay(SafeTensorsFile start, int fromStep, int steps, int shard, int shardCount, ulong seed, int stopAfter,
        CancellationToken cancellation);
}
