namespace TrainSwarm.Coordination.Aggregation;

/// <summary>
/// Federated averaging (McMahan et al. 2017): new = base + Σ (n_i / Σn) δ_i, each update weighted by the samples it
/// trained on. Failures contribute nothing; the strategy keeps no state.
/// </summary>
public sealed class FedAvg : IAggregationStrategy
{
    /// <summary>The spec name, <c>fedavg</c>.</summary>
    public const string StrategyName = "fedavg";

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <inheritdoc />
    public AggregationOutcome Aggregate(AggregationInput input)
    {
        SampleWeighting.Validate(input);
        var shares = SampleWeighting.Shares(input.Replies);
        var weights = WeightSet.Clone(input.BaseWeights);
        WeightSet.AddScaled(weights, SampleWeighting.AverageDelta(input, shares), 1f);
        return new AggregationOutcome(weights, null, shares);
    }
}
