using TrainSwarm.Daemons;
using TrainSwarm.Learning.Text;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// Replays lm rounds: round <paramref name="roundIndex"/>'s settings (its place on the job's schedule) on a slot's tokens
/// (<see cref="LmRoundTrainer.Replay"/>): <paramref name="shards"/> gives them for (slot, slot count), a named corpus's token range
/// or an uploaded text dataset's shards of the slot, joined.
/// </summary>
public sealed class LmReplayTrainer(JobSpec spec, string corpusName, Func<int, int, ReadOnlyMemory<int>> shards, int roundIndex) : IReplayTrainer
{
    /// <summary>Replays on the named <paramref name="corpus"/>'s contiguous token ranges (<see cref="TokenCorpus.Shard"/>).</summary>
    public LmReplayTrainer(JobSpec spec, TokenCorpus corpus, int roundIndex)
        : this(spec, corpus?.Name ?? throw new ArgumentNullException(nameof(corpus)), (index, count) => corpus.Shard(count, index), roundIndex)
    {
    }

    private readonly LmRoundSpec _round = LmRoundSpecs.For(spec, roundIndex);

    /// <inheritdoc/>
    public IReadOnlyList<NamedArray> Layout { get; } = ModuleWeights.Export(new Learning.Models.GptModel(LmRoundSpecs.Config(spec), 0)).ToList();

    /// <inheritdoc/>
    public string? Unavailable(int shard, int shardCount) =>
        shards(shard, shardCount).Length <= spec.LmSettings.SeqLen
            ? $"shard {shard + 1}/{shardCount} of {corpusName} holds too few tokens for one window of {spec.LmSettings.SeqLen + 1}"
            : null;

    /// <inheritdoc/>
    public long SamplesPerStep(int shard, int shardCount) => spec.LmSettings.TokensPerStep;

    /// <inheritdoc/>
    public IReadOnlyList<WeightCommitment> Replay(SafeTensorsFile start, int fromStep, int steps, int shard, int shardCount, ulong seed,
        int stopAfter, CancellationToken cancellation) =>
        LmRoundTrainer.Replay(start, fromStep, _round with { Training = _round.Training with { Steps = steps } }, shards(shard, shardCount),
            seed, stopAfter, cancellation);
}
