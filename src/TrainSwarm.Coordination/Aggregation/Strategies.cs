using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Aggregation;

/// <summary>Creates the strategy a job spec names, configured from the spec.</summary>
public static class Strategies
{
    /// <summary>Every strategy name <see cref="Create"/> knows.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        FedAvg.StrategyName, DiLoCo.StrategyName, TrimmedMean.StrategyName, CoordinateMedian.StrategyName, Krum.KrumName, Krum.MultiKrumName,
        CenteredClipping.StrategyName,
    ];

    /// <summary>The robust rules DiLoCo's outer step can sit on (the spec's <c>robustInner</c>).</summary>
    public static IReadOnlyList<string> RobustNames { get; } =
        [TrimmedMean.StrategyName, CoordinateMedian.StrategyName, Krum.KrumName, Krum.MultiKrumName, CenteredClipping.StrategyName];

    /// <summary>
    /// The strategy called <paramref name="name"/>, its parameters (trim fraction, Krum's f and m, clipping radius and
    /// iterations, DiLoCo's robust inner rule) from <paramref name="spec"/>; throws <see cref="ArgumentException"/> for
    /// an unknown name. The per-round numbers (DiLoCo's η and μ) travel in <see cref="AggregationInput.Outer"/>; see
    /// <see cref="OuterOf"/>.
    /// </summary>
    public static IAggregationStrategy Create(string name, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (name == FedAvg.StrategyName)
            return new FedAvg();
        if (name == DiLoCo.StrategyName)
            return new DiLoCo(spec.RobustInner is { } inner ? CreateRule(inner, spec) : null);
        if (Names.Contains(name))
            return (IAggregationStrategy)CreateRule(name, spec);
        throw new ArgumentException($"unknown aggregation strategy '{name}'; known: {string.Join(", ", Names)}", nameof(name));
    }

    /// <summary>The robust rule called <paramref name="name"/>, configured from <paramref name="spec"/>.</summary>
    public static IRobustRule CreateRule(string name, JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return name switch
        {
            TrimmedMean.StrategyName => new TrimmedMean(spec.TrimFraction ?? JobSpec.DefaultTrimFraction),
            CoordinateMedian.StrategyName => new CoordinateMedian(),
            Krum.KrumName => Krum.Single(spec.ByzantineCount),
            Krum.MultiKrumName => Krum.MultiKrum(spec.ByzantineCount, spec.KrumSelected),
            CenteredClipping.StrategyName => new CenteredClipping(spec.ClippingRadius, spec.ClippingIterations ?? JobSpec.DefaultClippingIterations),
            _ => throw new ArgumentException($"unknown robust rule '{name}'; known: {string.Join(", ", RobustNames)}", nameof(name)),
        };
    }

    /// <summary>The outer parameters of <paramref name="spec"/>, as an <see cref="AggregationInput"/> carries them.</summary>
    public static OuterParameters OuterOf(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return new OuterParameters(spec.OuterLearningRate, spec.OuterMomentum);
    }
}
