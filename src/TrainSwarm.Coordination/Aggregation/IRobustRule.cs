namespace TrainSwarm.Coordination.Aggregation;

/// <summary>
/// A rule that turns a round's deltas into one aggregate delta (median, Krum, centered clipping, trimmed mean), apart
/// from how that delta is applied: a robust strategy adds it to the base, DiLoCo feeds it to its outer optimizer.
/// </summary>
public interface IRobustRule
{
    /// <summary>The name a job spec uses for this rule.</summary>
    string Name { get; }

    /// <summary>
    /// The aggregate delta, the rule's own state for next round and each reply's share. <paramref name="state"/> is what the
    /// rule returned last round (null in the first round, or when an outer optimizer owns the strategy state).
    /// </summary>
    RobustAggregate AggregateDelta(AggregationInput input, IReadOnlyList<WeightTensor>? state);
}

/// <summary>What a robust rule returns.</summary>
/// <param name="Delta">The aggregate delta, in the base's layout.</param>
/// <param name="State">The rule's state for next round (null when it keeps none).</param>
/// <param name="ReplyWeights">Each reply's share, in reply order; they sum to 1.</param>
public sealed record RobustAggregate(List<WeightTensor> Delta, IReadOnlyList<WeightTensor>? State, IReadOnlyList<double> ReplyWeights)
{
    /// <summary>The outcome of applying <see cref="Delta"/> directly: new = base + delta.</summary>
    public AggregationOutcome ApplyTo(IReadOnlyList<WeightTensor> baseWeights)
    {
        var weights = WeightSet.Clone(baseWeights);
        WeightSet.AddScaled(weights, Delta, 1f);
        return new AggregationOutcome(weights, State, ReplyWeights);
    }
}
