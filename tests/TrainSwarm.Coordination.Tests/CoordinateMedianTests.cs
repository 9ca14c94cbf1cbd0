using TrainSwarm.Coordination.Aggregation;
using static TrainSwarm.Coordination.Tests.Weights;

namespace TrainSwarm.Coordination.Tests;

public class CoordinateMedianTests(ITestOutputHelper log)
{
    private static readonly List<WeightTensor> Base = Of([1, 1, 1, 1], [0, 0]);

    [Fact]
    public void An_odd_count_takes_the_middle_value_of_every_coordinate()
    {
        var replies = new[]
        {
            Reply("a", 1, [1, 5, -1, 0], [2, 3]),
            Reply("b", 9, [2, 4, -2, 0], [1, 1]),
            Reply("c", 1, [3, 6, -3, 0], [3, 2]),
        };
        var outcome = new CoordinateMedian().Aggregate(Input(Base, replies));
        // medians: [2, 5, -2, 0] and [2, 2]; samples are ignored (b's 9 samples buy nothing)
        AssertClose([3, 6, -1, 1, 2, 2], Flat(outcome.Weights), 0, log);
        Assert.Equal(1, outcome.ReplyWeights.Sum(), 12);
    }

    [Fact]
    public void An_even_count_takes_the_mean_of_the_two_middle_values()
    {
        var replies = new[]
        {
            Reply("a", 1, [1, 0, 0, 0], [0, 0]),
            Reply("b", 1, [2, 0, 0, 0], [0, 0]),
            Reply("c", 1, [4, 0, 0, 0], [0, 0]),
            Reply("d", 1, [100, 0, 0, 0], [0, 0]),
        };
        var outcome = new CoordinateMedian().Aggregate(Input(Base, replies));
        AssertClose([4, 1, 1, 1, 0, 0], Flat(outcome.Weights), 0, log);
        // Coordinate 0 credits b and c a half each; the five tied zeros credit b and c (the middle two by reply order).
        Assert.Equal([0, 0.5, 0.5, 0], outcome.ReplyWeights.Select(w => Math.Round(w, 12)));
    }

    [Fact]
    public void A_Byzantine_outlier_moves_nothing_and_earns_nothing()
    {
        var honest = Enumerable.Range(0, 4).Select(i => Reply($"h{i}", 1, [0.1f * i, 0.2f, 0.3f, 0.4f], [0.5f, 0.6f])).ToList();
        var outcome = new CoordinateMedian().Aggregate(Input(Base, [.. honest, Reply("evil", 1000, [1e6f, -1e6f, 1e6f, 1e6f], [1e6f, -1e6f])]));
        // Each coordinate's median is an honest value: the third of five, whichever side the outlier sits on.
        AssertClose([1 + 0.2f, 1 + 0.2f, 1 + 0.3f, 1 + 0.4f, 0.5f, 0.6f], Flat(outcome.Weights), 0, log);
        Assert.Equal(0, outcome.ReplyWeights[4]);
        Assert.Equal(1, outcome.ReplyWeights.Sum(), 12);
    }

    [Fact]
    public void No_replies_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new CoordinateMedian().Aggregate(Input(Base, [])));
    }

    [Fact]
    public void A_reply_of_another_layout_is_refused()
    {
        var bad = new AggregationReply("x", [new WeightTensor("0.weight", [4], [1, 2, 3, 4])], 1, 0);
        Assert.Throws<ArgumentException>(() => new CoordinateMedian().Aggregate(Input(Base, [bad])));
    }
}
