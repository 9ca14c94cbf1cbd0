using System.Diagnostics;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Models;
using TrainSwarm.Nn;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Training;

/// <summary>
/// The job settings a round's inner loop depends on (a subset of the wire JobSpec, so this library needs no
/// protocol reference and a validator replaying a receipt passes exactly the same values).
/// </summary>
/// <param name="Model">Model preset, used when <paramref name="Layers"/> is null.</param>
/// <param name="Layers">Optional layer list (see <see cref="ModelBuilder"/>).</param>
/// <param name="Optimizer"><c>sgd</c>, <c>adam</c> or <c>adamw</c>.</param>
/// <param name="Momentum">SGD momentum (ignored by Adam).</param>
/// <param name="BatchSize">Requested batch size; a shard smaller than it trains in batches of the whole shard.</param>
/// <param name="InnerSteps">H: optimizer steps to take.</param>
/// <param name="CommitEvery">Commit to the weights every this many steps (and always at the last step).</param>
public sealed record RoundTrainingSpec(
    string Model, IReadOnlyList<string>? Layers, string Optimizer, double LearningRate, double Momentum,
    int BatchSize, int InnerSteps, int CommitEvery);

/// <summary>A hash of the weights after <paramref name="Step"/> steps: lowercase hex SHA-256 of their safetensors bytes.</summary>
/// <param name="State">SHA-256 of the whole training state then (<see cref="RoundCheckpoint"/>: weights and optimizer state).</param>
public sealed record WeightCommitment(int Step, string Sha256, string? State = null);

/// <summary>Progress after one inner step.</summary>
public readonly record struct RoundStep(int Step, int Steps, float Loss, long Samples, TimeSpan Elapsed)
{
    /// <summary>Samples per second since training started.</summary>
    public double SamplesPerSecond => Elapsed.TotalSeconds > 0 ? Samples / Elapsed.TotalSeconds : 0;
}

/// <summary>What a round's training produced: the weights, the delta from the base, and the facts a receipt states.</summary>
/// <param name="Weights">The trained weights, in the model's parameter order.</param>
/// <param name="Delta">Trained − base, tensor by tensor (the pseudo-gradient a node uploads).</param>
/// <param name="LossCurve">The loss of every step, in order.</param>
/// <param name="BatchSize">The batch size actually used.</param>
/// <param name="Samples">Steps × batch size.</param>
/// <param name="ComputeSeconds">Wall time of the training loop itself.</param>
/// <param name="Checkpoints">The <see cref="RoundCheckpoint"/> bytes at each commitment, in the same order.</param>
public sealed record RoundTrainingResult(
    IReadOnlyList<NamedArray> Weights, IReadOnlyList<NamedArray> Delta, IReadOnlyList<float> LossCurve,
    int Steps, int BatchSize, long Samples, double ComputeSeconds, IReadOnlyList<WeightCommitment> Commitments,
    IReadOnlyList<byte[]>? Checkpoints = null);

/// <summary>
/// A node's work in one round: H optimizer steps from the global weights on its shard. Everything is fixed by the
/// inputs (base weights, spec, shard, seed), so a validator replaying the same inputs gets bitwise the same weights
/// and commitments; the engine guarantees that for any thread count.
/// </summary>
public static class RoundTrainer
{
    /// <summary>
    /// Trains <paramref name="spec"/>.InnerSteps steps from <paramref name="baseWeights"/> (safetensors bytes) on
    /// <paramref name="shard"/>, batches shuffled from <paramref name="seed"/>. Runs synchronously on the calling thread.
    /// </summary>
    /// <param name="onStep">Sees every step's progress (called on the training thread).</param>
    /// <param name="stopAfter">Stop after this many steps (a validator's partial replay); null trains all of them.</param>
    public static RoundTrainingResult Train(
        byte[] baseWeights, RoundTrainingSpec spec, LabeledImages shard, ulong seed,
        Action<RoundStep>? onStep = null, int? stopAfter = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(baseWeights);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.InnerSteps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.CommitEvery);
        if (shard.Count == 0)
            throw new ArgumentException("the shard holds no samples", nameof(shard));
        int steps = Math.Min(spec.InnerSteps, stopAfter ?? int.MaxValue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps, nameof(stopAfter));

        // The initializer seed does not matter: every parameter is overwritten by the base weights.
        var model = ModelBuilder.Build(spec.Model, spec.Layers, 0, shard.Classes);
        ModuleWeights.Import(model, SafeTensorsReader.Read(baseWeights));
        var optimizer = CreateOptimizer(spec, model.Parameters());
        return Run(model, optimizer, spec, shard, seed, 0, steps, onStep, cancellation);
    }

    /// <summary>
    /// Resumes a run from <paramref name="checkpoint"/> (its <see cref="RoundCheckpoint"/> after <paramref name="fromStep"/>
    /// steps) and trains up to step <paramref name="stopAfter"/>: a validator's replay of one committed segment. The batch
    /// stream is skipped forward to <paramref name="fromStep"/>, so the result is bitwise the full run's at those steps.
    /// The result's delta is relative to the checkpoint's weights and its commitments cover only the replayed steps.
    /// </summary>
    /// <exception cref="TrainSwarm.Nn.Serialization.SafeTensorsFormatException">The checkpoint does not fit the spec.</exception>
    public static RoundTrainingResult Resume(
        byte[] checkpoint, int fromStep, RoundTrainingSpec spec, LabeledImages shard, ulong seed, int stopAfter,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        CheckSegment(spec, shard, fromStep, stopAfter);
        var model = ModelBuilder.Build(spec.Model, spec.Layers, 0, shard.Classes);
        var optimizer = CreateOptimizer(spec, model.Parameters());
        RoundCheckpoint.Load(checkpoint, model, optimizer, fromStep);
        return Run(model, optimizer, spec, shard, seed, fromStep, stopAfter, null, cancellation);
    }

    /// <summary>
    /// A validator's replay of one committed segment, steps <paramref name="fromStep"/>+1 … <paramref name="stopAfter"/>,
    /// with a replayer of its own (see <see cref="RoundReplayer.Replay"/>; a validator checking many segments keeps one
    /// <see cref="RoundReplayer"/> instead, so its model and buffers are made once).
    /// </summary>
    /// <exception cref="TrainSwarm.Nn.Serialization.SafeTensorsFormatException">The start does not fit the spec.</exception>
    public static IReadOnlyList<WeightCommitment> Replay(
        SafeTensorsFile start, int fromStep, RoundTrainingSpec spec, LabeledImages shard, ulong seed, int stopAfter,
        CancellationToken cancellation = default) =>
        new RoundReplayer().Replay(start, fromStep, spec, shard, seed, stopAfter, cancellation);

    /// <summary>Trains steps <paramref name="fromStep"/>+1 … <paramref name="toStep"/> of <paramref name="spec"/>'s run.</summary>
    private static RoundTrainingResult Run(
        Module model, Optimizer optimizer, RoundTrainingSpec spec, LabeledImages shard, ulong seed, int fromStep, int toStep,
        Action<RoundStep>? onStep, CancellationToken cancellation)
    {
        var before = ModuleWeights.Export(model);
        int batch = Math.Min(spec.BatchSize, shard.Count);
        var loader = new MiniBatchLoader(shard, batch, seed);
        var input = Tensor.Persistent(batch, shard.Channels, shard.Height, shard.Width);
        var labels = new int[batch];
        int steps = toStep - fromStep;
        var losses = new float[steps];
        var log = new CommitmentLog(spec.CommitEvery, spec.InnerSteps, replay: false);

        var clock = Stopwatch.StartNew();
        using (var scope = TensorScope.Begin())
        {
            loader.StartEpoch();
            RoundSteps.Seek(loader, fromStep);
            for (int step = fromStep + 1; step <= toStep; step++)
            {
                cancellation.ThrowIfCancellationRequested();
                losses[step - fromStep - 1] = RoundSteps.Step(model, optimizer, loader, input, labels);
                scope.Reset();
                log.After(step, model, optimizer);
                onStep?.Invoke(new RoundStep(step, toStep, losses[step - fromStep - 1], (long)step * batch, clock.Elapsed));
            }
        }
        clock.Stop();

        var after = ModuleWeights.Export(model);
        return new RoundTrainingResult(after, DeltaCodec.Difference(after, before), losses, steps, batch,
            (long)steps * batch, clock.Elapsed.TotalSeconds, log.Commitments, log.Checkpoints);
    }

    /// <summary>The commitment hash of <paramref name="model"/>'s current weights.</summary>
    public static string Hash(Module model) => SafeTensorsWriter.Sha256Hex(ModuleWeights.Export(model));

    /// <summary>The inner optimizer the spec names, over <paramref name="parameters"/>.</summary>
    public static Optimizer CreateOptimizer(RoundTrainingSpec spec, IReadOnlyList<Tensor> parameters)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var lr = (float)spec.LearningRate;
        return spec.Optimizer switch
        {
            "sgd" => new Sgd(parameters, lr, momentum: (float)spec.Momentum),
            "adam" => new Adam(parameters, lr),
            "adamw" => new AdamW(parameters, lr),
            _ => throw new ArgumentException($"unknown optimizer '{spec.Optimizer}'; choose one of: sgd, adam, adamw", nameof(spec)),
        };
    }

    /// <summary>The argument checks <see cref="Resume"/> and <see cref="RoundReplayer.Replay"/> share: a segment inside the round.</summary>
    internal static void CheckSegment(RoundTrainingSpec spec, LabeledImages shard, int fromStep, int stopAfter)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(shard);
        ArgumentOutOfRangeException.ThrowIfNegative(fromStep);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(stopAfter, fromStep);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stopAfter, spec.InnerSteps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.BatchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.CommitEvery);
        if (shard.Count == 0)
            throw new ArgumentException("the shard holds no samples", nameof(shard));
    }
}
