using TrainSwarm.Daemons;
using TrainSwarm.Learning.Text;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// Replays lm rounds: round <paramref name="roundIndex"/>'s settings (its place on the job's schedule) on the shard's token
/// range of <paramref name="corpus"/> (<see cref="LmRoundTrainer.Replay"/>).
/// </summary>
public sealed class LmReplayTrainer(JobSpec spec, TokenCorpus corpus, int roundIndex) : IReplayTrainer
{
    private readonly LmRoundSpec _round = LmRoundSpecs.For(spec, roundIndex);

    /// <inheritdoc/>
    public IReadOnlyList<NamedArray> Layout { get; } = ModuleWeights.Export(new Learning.Models.GptModel(LmRoundSpecs.Config(spec), 0)).ToList();

    /// <inheritdoc/>
    public string? Unavailable(int shard, int shardCount) =>
        corpus.Shard(shardCount, shard).Length <= spec.LmSettings.SeqLen
            ? $"shard {shard + 1}/{shardCount} of {corpus.Name} holds too few tokens for one window of {spec.LmSettings.SeqLen + 1}"
            : null;

    /// <inheritdoc/>
    public long SamplesPerStep(int shard, int shardCount) => spec.LmSettings.TokensPerStep;

    /// <inheritdoc/>
    public IReadOnlyList<WeightCommitment> Replay(SafeTensorsFile start, int fromStep, int steps, int shard, int shardCount, ulong seed,
        int stopAfter, CancellationToken cancellation) =>
        LmRoundTrainer.Replay(start, fromStep, _round with { Training = _round.Training with { Steps = steps } }, corpus.Shard(shardCount, shard),
            seed, stopAfter, cancellation);
}
