using TrainSwarm.Learning.Training;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Daemons;

/// <summary>Maps a job spec to what the inner loop needs; a validator replaying a receipt must map it the same way.</summary>
public static class RoundTrainingSpecs
{
    /// <summary>The <see cref="RoundTrainingSpec"/> of <paramref name="spec"/>: its H inner steps.</summary>
    public static RoundTrainingSpec From(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return For(spec, spec.InnerSteps);
    }

    /// <summary>
    /// The spec a node trains (and a replay repeats) when it takes <paramref name="steps"/> local steps instead of H:
    /// the receipt's <c>Steps</c>. Steps continue the same seeded batch stream across epochs of the shard, and the last
    /// step is always committed, so (base, shard, seed, steps) still fix every weight and commitment.
    /// </summary>
    public static RoundTrainingSpec For(JobSpec spec, int steps)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        return new RoundTrainingSpec(spec.Model, spec.Layers, spec.Optimizer, spec.LearningRate, spec.Momentum,
            spec.BatchSize, steps, spec.CommitInterval);
    }

    /// <summary>
    /// The local steps of one update: the round's <paramref name="innerSteps"/> (H) run <paramref name="epochs"/> times,
    /// capped at <paramref name="maxBatches"/> when given. Payment stays capped at H × batch samples either way.
    /// </summary>
    public static int LocalSteps(int innerSteps, int epochs, int? maxBatches)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(innerSteps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        if (maxBatches is < 1)
            throw new ArgumentOutOfRangeException(nameof(maxBatches), maxBatches, "max batches must be at least 1");
        var steps = Math.Min((long)innerSteps * epochs, maxBatches ?? long.MaxValue);
        return (int)Math.Min(steps, int.MaxValue);
    }
}
