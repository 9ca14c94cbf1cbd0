using System.Numerics.Tensors;

namespace TrainSwarm.Coordination.Aggregation;

/// <summary>
/// DiLoCo's outer step (Douillard et al. 2023): the sample-weighted average delta Δ is a pseudo-gradient g = −Δ, applied
/// with Nesterov momentum: v ← μ v + g; new = base − η (g + μ v). The momentum v is the state carried between rounds
/// (zero before the first). η and μ are the job's <see cref="AggregationInput.Outer"/> (0.7 and 0.9 by default, as in
/// the paper). With η = 1 and μ = 0 this is exactly FedAvg.
/// </summary>
/// <remarks>
/// With an inner <see cref="IRobustRule"/> (the spec's <c>robustInner</c>), Δ is that rule's aggregate instead of the
/// sample-weighted average, and the reply shares are the rule's. The momentum stays DiLoCo's only state, so a stateful
/// inner rule (centered clipping) starts from zero every round.
/// </remarks>
/// <param name="inner">The robust rule that forms Δ; null for the sample-weighted average.</param>
public sealed class DiLoCo(IRobustRule? inner = null) : IAggregationStrategy
{
    /// <summary>The spec name, <c>diloco</c>.</summary>
    public const string StrategyName = "diloco";

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <summary>The robust rule under the outer step, or null for the sample-weighted average.</summary>
    public IRobustRule? Inner { get; } = inner;

    /// <inheritdoc />
    public AggregationOutcome Aggregate(AggregationInput input)
    {
        SampleWeighting.Validate(input);
        // η and μ come with each round's input (the job's spec), so one strategy object serves every job.
        var (eta, mu) = Check(input.Outer);
        if (input.State is { } previous)
            WeightSet.RequireSameLayout(input.BaseWeights, previous, nameof(input));
        IReadOnlyList<double> shares;
        List<WeightTensor> average;
        if (Inner is null)
        {
            var weighted = SampleWeighting.Shares(input.Replies);
            (shares, average) = (weighted, SampleWeighting.AverageDelta(input, weighted));
        }
        else
        {
            // The inner rule gets no state: input.State is DiLoCo's momentum, not a delta the rule could start from.
            var robust = Inner.AggregateDelta(input, null);
            (shares, average) = (robust.ReplyWeights, robust.Delta);
        }
        var velocity = input.State is null ? WeightSet.Zeros(input.BaseWeights) : WeightSet.Clone(input.State);
        var weights = WeightSet.Clone(input.BaseWeights);
        for (var t = 0; t < weights.Count; t++)
        {
            var g = average[t].Values;
            // g = −Δ, in place.
            TensorPrimitives.Negate(g, g);
            var v = velocity[t].Values;
            // v ← μ v + g
            TensorPrimitives.MultiplyAdd(v, mu, g, v);
            // step = g + μ v (Nesterov look-ahead), kept in g; new = base − η step
            TensorPrimitives.MultiplyAdd(v, mu, g, g);
            TensorPrimitives.MultiplyAdd(g, -eta, weights[t].Values, weights[t].Values);
        }
        return new AggregationOutcome(weights, velocity, shares);
    }

    private static (float Eta, float Mu) Check(OuterParameters outer)
    {
        ArgumentNullException.ThrowIfNull(outer);
        if (!(outer.LearningRate > 0 && double.IsFinite(outer.LearningRate)))
            throw new ArgumentOutOfRangeException(nameof(outer), $"the outer learning rate must be positive and finite, not {outer.LearningRate}");
        if (!(outer.Momentum is >= 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(outer), $"the outer momentum must be in [0, 1), not {outer.Momentum}");
        return ((float)outer.LearningRate, (float)outer.Momentum);
    }
}
