using TrainSwarm.Coordination.Aggregation;
using static TrainSwarm.Coordination.Tests.Weights;

namespace TrainSwarm.Coordination.Tests;

public class TrimmedMeanTests
{
    private static readonly List<WeightTensor> Base = Of([0, 0, 0, 0], [10, 10]);

    [Fact]
    public void An_outlier_is_trimmed_away()
    {
        // Ten replies, β = 0.1: one value trimmed from each side of every coordinate. Nine honest replies send 1s; the
        // attacker sends ±1e6 and claims a million samples.
        var replies = Enumerable.Range(0, 9).Select(i => Reply($"h{i}", 1, [1, 1, 1, 1], [1, 1])).ToList();
        replies.Add(Reply("attacker", 1_000_000, [1e6f, -1e6f, 1e6f, 1e6f], [1e6f, 1e6f]));
        var outcome = new TrimmedMean().Aggregate(Input(Base, replies));

        // Every kept value is 1, so the mean is exactly 1 (sum of 8 ones / 8); the attacker's samples buy nothing.
        Assert.Equal([1f, 1f, 1f, 1f, 11f, 11f], Flat(outcome.Weights));
        Assert.Equal(0, outcome.ReplyWeights[^1]);
        Assert.Equal(1.0, outcome.ReplyWeights.Sum(), 12);
    }

    [Fact]
    public void Beta_a_quarter_trims_one_of_four_on_each_side()
    {
        // Per coordinate the sorted values are [-100, 1, 3, 100]: the middle two average to 2 (exact).
        var replies = new[]
        {
            Reply("a", 1, [1, 1, 1, 1], [1, 1]),
            Reply("b", 1, [3, 3, 3, 3], [3, 3]),
            Reply("c", 1, [100, 100, 100, 100], [100, 100]),
            Reply("d", 1, [-100, -100, -100, -100], [-100, -100]),
        };
        var outcome = new TrimmedMean(0.25).Aggregate(Input(Base, replies));
        Assert.Equal([2f, 2f, 2f, 2f, 12f, 12f], Flat(outcome.Weights));
        Assert.Equal([0.5, 0.5, 0, 0], outcome.ReplyWeights);
    }

    [Fact]
    public void With_fewer_than_ten_replies_the_default_trims_nothing_and_is_the_plain_mean()
    {
        var replies = new[] { Reply("a", 1, [1, 2, 3, 4], [0, 0]), Reply("b", 99, [3, 2, 1, 0], [2, 4]) };
        var outcome = new TrimmedMean().Aggregate(Input(Base, replies));
        // Unweighted: sample counts are ignored on purpose.
        Assert.Equal([2f, 2f, 2f, 2f, 11f, 12f], Flat(outcome.Weights));
        Assert.Equal([0.5, 0.5], outcome.ReplyWeights);
    }

    [Fact]
    public void An_empty_round_throws()
    {
        Assert.Throws<ArgumentException>(() => new TrimmedMean().Aggregate(Input(Base, [])));
    }
}
