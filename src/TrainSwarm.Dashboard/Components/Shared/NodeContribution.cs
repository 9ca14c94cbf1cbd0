using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Dashboard.Components.Shared;

/// <summary>One node's part in a set of rounds: updates judged and accepted, samples, mean loss gain and quality weight, payout.</summary>
public sealed record NodeContribution(string Node, int Updates, int Accepted, long Samples, double LossGain, int MeanQualityBps, long Payout)
{
    /// <summary>Sums the reward receipts per node, best paid first.</summary>
    public static IReadOnlyList<NodeContribution> From(IEnumerable<RoundRewards> rounds) =>
        rounds.SelectMany(r => r.Lines).GroupBy(l => l.Node).Select(g => new NodeContribution(
                g.Key, g.Count(), g.Count(l => l.Accepted), g.Sum(l => l.Samples),
                g.Average(l => l.BaseLoss - l.UpdatedLoss), (int)g.Average(l => (double)l.QualityBps), g.Sum(l => l.Payout)))
            .OrderByDescending(c => c.Payout).ThenBy(c => c.Node, StringComparer.Ordinal).ToList();
}
