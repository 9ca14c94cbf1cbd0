using System.Diagnostics;
using TrainSwarm.Learning.Models;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Training;

/// <summary>
/// The settings a node's lm round depends on (mapped from the job spec alike by node and validator, so a replay repeats the run).
/// </summary>
/// <param name="Config">The model's sizes.</param>
/// <param name="Training">B, T, H and the schedule (its offset places this round on the job's one schedule).</param>
/// <param name="CommitEvery">Commit to the weights and state every this many steps (and always at the last).</param>
public sealed record LmRoundSpec(GptConfig Config, LmTrainingSpec Training, int CommitEvery);

/// <summary>
/// A node's work in one round of an lm job: H next-token AdamW steps from the global weights on its shard (a contiguous token
/// range), batches drawn from the node's seed, committing to the weights and the whole training state every commitEvery steps.
/// The result has the image rounds' shape (<see cref="RoundTrainingResult"/>): its batch size is the tokens of one step, so
/// samples are tokens. Deterministic in (base, spec, shard, seed) and bitwise for any thread count, so a validator's replay of a
/// segment from its committed state reproduces the next commitment exactly.
/// </summary>
public static class LmRoundTrainer
{
    /// <summary>Trains <paramref name="spec"/>'s H steps from <paramref name="baseWeights"/> (safetensors bytes) on <paramref name="shard"/>.</summary>
    public static RoundTrainingResult Train(byte[] baseWeights, LmRoundSpec spec, ReadOnlyMemory<int> shard, ulong seed,
        Action<RoundStep>? onStep = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(baseWeights);
        ArgumentNullException.ThrowIfNull(spec);
        var model = NewModel(spec);
        ModuleWeights.Import(model, SafeTensorsReader.Read(baseWeights));
        var trainer = new LmTrainer(model, spec.Training, shard, seed);
        return Run(model, trainer, spec, 0, spec.Training.Steps, onStep, cancellation, replay: false);
    }

    /// <summary>
    /// A validator's replay of steps <paramref name="fromStep"/>+1 … <paramref name="stopAfter"/>: from <paramref name="start"/>,
    /// the base model when <paramref name="fromStep"/> is 0 and otherwise the <see cref="RoundCheckpoint"/> committed there, both
    /// already parsed. Only the commitments are produced.
    /// </summary>
    /// <exception cref="SafeTensorsFormatException">The start does not fit the model.</exception>
    public static IReadOnlyList<WeightCommitment> Replay(SafeTensorsFile start, int fromStep, LmRoundSpec spec, ReadOnlyMemory<int> shard,
        ulong seed, int stopAfter, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegative(fromStep);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(stopAfter, fromStep);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(stopAfter, spec.Training.Steps);
        var model = NewModel(spec);
        var trainer = new LmTrainer(model, spec.Training, shard, seed);
        if (fromStep == 0)
            ModuleWeights.Import(model, start);
        else
            RoundCheckpoint.Load(start, model, trainer.Optimizer, fromStep);
        trainer.SkipTo(fromStep);
        return Run(model, trainer, spec, fromStep, stopAfter, null, cancellation, replay: true).Commitments;
    }

    /// <summary>A model of the spec's sizes; its initializer seed does not matter, every parameter is overwritten.</summary>
    public static GptModel NewModel(LmRoundSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new GptModel(spec.Config, seed: 0);
    }

    private static RoundTrainingResult Run(GptModel model, LmTrainer trainer, LmRoundSpec spec, int fromStep, int toStep,
        Action<RoundStep>? onStep, CancellationToken cancellation, bool replay)
    {
        var before = replay ? [] : ModuleWeights.Export(model);
        var tokensPerStep = spec.Training.BatchSize * spec.Training.SeqLen;
        var losses = new float[toStep - fromStep];
        var log = new CommitmentLog(spec.CommitEvery, spec.Training.Steps, replay);
        var clock = Stopwatch.StartNew();
        for (int step = fromStep + 1; step <= toStep; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            losses[step - fromStep - 1] = trainer.Step().Loss;
            log.After(step, model, trainer.Optimizer);
            onStep?.Invoke(new RoundStep(step, toStep, losses[step - fromStep - 1], (long)step * tokensPerStep, clock.Elapsed));
        }
        clock.Stop();
        var after = replay ? [] : ModuleWeights.Export(model);
        return new RoundTrainingResult(after, replay ? [] : DeltaCodec.Difference(after, before), losses, toStep - fromStep, tokensPerStep,
            (long)(toStep - fromStep) * tokensPerStep, clock.Elapsed.TotalSeconds, log.Commitments, log.Checkpoints);
    }
}
