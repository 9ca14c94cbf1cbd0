using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Aggregation;

/// <summary>Creates the strategy a job spec names, configured from the spec.</summary>
public static class Strategies
{
    /// <summary>Every strategy name <see cref="Create"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } = [FedAvg.StrategyName, DiLoCo.StrategyName, TrimmedMean.StrategyName];

    /// <summary>
    /// The strategy called <paramref name="name"/>; throws <see cref="ArgumentException"/> for an unknown name. The
    /// per-round numbers (DiLoCo's η and μ) travel in <see cref="AggregationInput.Outer"/>; see <see cref="OuterOf"/>.
    /// </summary>
    public static IAggregationStrategy Create(string name, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return name switch
        {
            FedAvg.StrategyName => new FedAvg(),
            DiLoCo.StrategyName => new DiLoCo(),
            TrimmedMean.StrategyName => new TrimmedMean(),
            _ => throw new ArgumentException($"unknown aggregation strategy '{name}'; known: {string.Join(", ", Names)}", nameof(name)),
        };
    }

    /// <summary>The outer parameters of <paramref name="spec"/>, as an <see cref="AggregationInput"/> carries them.</summary>
    public static OuterParameters OuterOf(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new OuterParameters(spec.OuterLearningRate, spec.OuterMomentum);
    }
}
