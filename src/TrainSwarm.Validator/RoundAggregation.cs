using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>A round's aggregate: the final verdicts (weights filled in) and the strategy's outcome, null when nothing was accepted.</summary>
public sealed record AggregatedRound(IReadOnlyList<UpdateVerdict> Verdicts, AggregationOutcome? Outcome);

/// <summary>Hands the accepted updates and every failure to the job's strategy, and writes each update's share into its verdict.</summary>
public static class RoundAggregation
{
    /// <summary>Aggregates <paramref name="scored"/>; <paramref name="dropped"/> are nodes that joined and delivered nothing.</summary>
    public static AggregatedRound Run(
        IAggregationStrategy strategy, IReadOnlyList<WeightTensor> baseWeights, IReadOnlyList<ScoredUpdate> scored,
        IReadOnlyList<string> dropped, IReadOnlyList<WeightTensor>? state, OuterParameters outer)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        ArgumentNullException.ThrowIfNull(scored);
        ArgumentNullException.ThrowIfNull(dropped);
        var accepted = scored.Where(s => s.Verdict.Accepted).ToList();
        if (accepted.Count == 0)
            return new AggregatedRound(scored.Select(s => s.Verdict).ToList(), null);

        var replies = accepted.Select(s => new AggregationReply(
            s.Verdict.Node, s.Delta!, s.Verdict.Samples, s.Verdict.BaseLoss - s.Verdict.UpdatedLoss)).ToList();
        var failures = dropped.Select(node => new AggregationFailure(node, "delivered no update"))
            .Concat(scored.Where(s => !s.Verdict.Accepted).Select(s => new AggregationFailure(s.Verdict.Node, s.Verdict.Reason ?? "rejected")))
            .ToList();
        var outcome = strategy.Aggregate(new AggregationInput(baseWeights, replies, failures, state, outer));

        var verdicts = new List<UpdateVerdict>(scored.Count);
        var next = 0;
        foreach (var s in scored)
            verdicts.Add(s.Verdict.Accepted ? s.Verdict with { Weight = outcome.ReplyWeights[next++] } : s.Verdict);
        return new AggregatedRound(verdicts, outcome);
    }
}
