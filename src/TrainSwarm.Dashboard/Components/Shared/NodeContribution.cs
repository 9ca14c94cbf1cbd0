using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Dashboard.Components.Shared;

/// <summary>
/// One node's part in a set of rounds: updates judged and accepted, samples, the mean gain in the metric the job kind is scored by
/// (<see cref="HeldOutText.Gain"/>: loss fallen, return risen, exact matches gained) and quality weight, payout.
/// </summary>
public sealed record NodeContribution(string Node, int Updates, int Accepted, long Samples, double Gain, int MeanQualityBps, long Payout)
{
    /// <summary>Sums the reward receipts per node, best paid first; <paramref name="kind"/> is the job's (null: image).</summary>
    public static IReadOnlyList<NodeContribution> From(IEnumerable<RoundRewards> rounds, string? kind = null) =>
        rounds.SelectMany(r => r.Lines).GroupBy(l => l.Node).Select(g => new NodeContribution(
                g.Key, g.Count(), g.Count(l => l.Accepted), g.Sum(l => l.Samples),
                g.Average(l => HeldOutText.Gain(l, kind)), (int)g.Average(l => (double)l.QualityBps), g.Sum(l => l.Payout)))
            .OrderByDescending(c => c.Payout).ThenBy(c => c.Node, StringComparer.Ordinal).ToList();
}
