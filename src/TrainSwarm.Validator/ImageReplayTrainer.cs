using TrainSwarm.Daemons;
using TrainSwarm.Daemons.Devices;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// Replays image rounds: the spec's model on its shard of <paramref name="train"/>, through one <see cref="RoundReplayer"/>, so
/// every segment of the round's check reuses one model, optimizer and set of buffers (one instance per round check, one thread).
/// </summary>
/// <remarks>With <paramref name="gpu"/>, segments are replayed on that GPU instead (receipts trained on its kind).</remarks>
public sealed class ImageReplayTrainer(JobSpec spec, LabeledImages train, ShardCache? shards = null, GpuRoundTrainer? gpu = null) : IReplayTrainer
{
    private readonly ShardCache _shards = shards ?? new ShardCache();
    private readonly RoundReplayer _replayer = new();

    /// <inheritdoc/>
    public IReadOnlyList<NamedArray> Layout { get; } = ModuleWeights.Export(ModelBuilder.Build(spec.Model, spec.Layers, 0, train.Classes)).ToList();

    /// <inheritdoc/>
    public string? Unavailable(int shard, int shardCount) =>
        _shards.Get(train, spec, shard, shardCount).Count == 0 ? $"shard {shard + 1}/{shardCount} holds no samples here" : null;

    /// <inheritdoc/>
    public long SamplesPerStep(int shard, int shardCount) => Math.Min(spec.BatchSize, _shards.Get(train, spec, shard, shardCount).Count);

    /// <inheritdoc/>
    public IReadOnlyList<WeightCommitment> Replay(SafeTensorsFile start, int fromStep, int steps, int shard, int shardCount, ulong seed,
        int stopAfter, CancellationToken cancellation) =>
        gpu is null
            ? _replayer.Replay(start, fromStep, RoundTrainingSpecs.For(spec, steps), _shards.Get(train, spec, shard, shardCount), seed, stopAfter,
                cancellation)
            : gpu.Replay(start, fromStep, RoundTrainingSpecs.For(spec, steps), _shards.Get(train, spec, shard, shardCount), seed, stopAfter,
                cancellation);
}
