namespace TrainSwarm.Coordination.Aggregation;

/// <summary>
/// Combines one round's updates into the next global model, mirroring Flower's strategy contract: the strategy sees
/// the replies and the failures, and carries its own state (e.g. momentum) from round to round.
/// </summary>
public interface IAggregationStrategy
{
    /// <summary>The name a job spec uses for this strategy (<c>fedavg</c>, <c>diloco</c>, …).</summary>
    string Name { get; }

    /// <summary>
    /// The new global weights, the strategy's new state and each reply's share. Throws <see cref="ArgumentException"/>
    /// when <see cref="AggregationInput.Replies"/> is empty: an empty round is never aggregated, it is retried.
    /// </summary>
    AggregationOutcome Aggregate(AggregationInput input);
}

/// <summary>One accepted update.</summary>
/// <param name="Node">The node's address.</param>
/// <param name="Delta">Trained minus base weights, in the base's layout.</param>
/// <param name="Samples">Training samples behind the update (at least 1); sample-weighted strategies use it.</param>
/// <param name="Score">Holdout loss improvement the validator measured (base loss − updated loss); higher is better.</param>
public sealed record AggregationReply(string Node, IReadOnlyList<WeightTensor> Delta, long Samples, double Score);

/// <summary>A node that joined but contributed nothing to the aggregate: it delivered nothing, or its update was rejected.</summary>
public sealed record AggregationFailure(string Node, string Reason);

/// <summary>The job's outer-optimizer settings (DiLoCo's η and μ; other strategies ignore them).</summary>
/// <param name="LearningRate">η, the outer learning rate.</param>
/// <param name="Momentum">μ, the outer Nesterov momentum.</param>
public sealed record OuterParameters(double LearningRate, double Momentum);

/// <summary>Everything a strategy needs for one round.</summary>
/// <param name="BaseWeights">The round's global model.</param>
/// <param name="Replies">Accepted updates, in submission order.</param>
/// <param name="Failures">Nodes that delivered nothing or were rejected, with the reason.</param>
/// <param name="State">The state the strategy returned last round (null in the first round or for stateless strategies).</param>
/// <param name="Outer">The job's outer parameters.</param>
public sealed record AggregationInput(
    IReadOnlyList<WeightTensor> BaseWeights, IReadOnlyList<AggregationReply> Replies, IReadOnlyList<AggregationFailure> Failures,
    IReadOnlyList<WeightTensor>? State, OuterParameters Outer);

/// <summary>What a strategy returns.</summary>
/// <param name="Weights">The new global model, in the base's layout.</param>
/// <param name="State">State to hand back next round (null for stateless strategies).</param>
/// <param name="ReplyWeights">Each reply's share of the aggregate, in the order of <see cref="AggregationInput.Replies"/>; they sum to 1.</param>
public sealed record AggregationOutcome(IReadOnlyList<WeightTensor> Weights, IReadOnlyList<WeightTensor>? State, IReadOnlyList<double> ReplyWeights);
