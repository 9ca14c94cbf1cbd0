using TrainSwarm.Learning.Training;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>Maps a job spec to what the inner loop needs; a validator replaying a receipt must map it the same way.</summary>
public static class RoundTrainingSpecs
{
    /// <summary>The <see cref="RoundTrainingSpec"/> of <paramref name="spec"/>.</summary>
    public static RoundTrainingSpec From(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new RoundTrainingSpec(spec.Model, spec.Layers, spec.Optimizer, spec.LearningRate, spec.Momentum,
            spec.BatchSize, spec.InnerSteps, spec.CommitEvery);
    }
}
