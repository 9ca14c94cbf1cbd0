using TrainSwarm.Coordination.Aggregation;
using static TrainSwarm.Coordination.Tests.Weights;

namespace TrainSwarm.Coordination.Tests;

public class CenteredClippingTests(ITestOutputHelper log)
{
    private static readonly List<WeightTensor> Base = Of([0, 0, 0, 0], [0, 0]);

    [Fact]
    public void One_iteration_from_zero_with_a_fixed_radius_matches_the_hand_computation()
    {
        var replies = new[]
        {
            Reply("a", 1, [1, 0, 0, 0], [0, 0]),   // ‖a‖ = 1 ≤ τ: kept whole
            Reply("b", 1, [0, 4, 0, 0], [0, 0]),   // ‖b‖ = 4: clipped by 2/4 to (0, 2)
            Reply("c", 1, [0, 0, 3, 0], [0, 4]),   // ‖c‖ = 5: clipped by 2/5 to (0, 0, 1.2, 0, 0, 1.6)
        };
        var outcome = new CenteredClipping(radius: 2, iterations: 1).Aggregate(Input(Base, replies));
        // v = (1/3) [(1,0,0,0,0,0) + (0,2,0,0,0,0) + (0,0,1.2,0,0,1.6)]
        AssertClose([1 / 3f, 2 / 3f, 0.4f, 0, 0, 1.6f / 3], Flat(outcome.Weights), 1e-7f, log);
        // credits 1, 0.5, 0.4 over 1.9
        double[] expected = [1 / 1.9, 0.5 / 1.9, 0.4 / 1.9];
        for (var i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i], outcome.ReplyWeights[i], 12);
        Assert.Equal(Flat(outcome.Weights), Flat(outcome.State!));
    }

    [Fact]
    public void It_starts_from_the_previous_rounds_aggregate()
    {
        var state = Of([1, 0, 0, 0], [0, 0]);
        var replies = new[] { Reply("a", 1, [1, 0, 0, 0], [0, 0]), Reply("b", 1, [5, 0, 0, 0], [0, 0]) };
        var outcome = new CenteredClipping(radius: 1, iterations: 1).Aggregate(Input(Base, replies, state));
        // from v = 1: a is at distance 0, b at 4 clipped to 1 -> v = 1 + (0 + 1) / 2
        AssertClose([1.5f, 0, 0, 0, 0, 0], Flat(outcome.Weights), 0, log);
    }

    [Fact]
    public void A_Byzantine_outlier_moves_the_aggregate_by_at_most_its_share_of_the_radius()
    {
        var honest = Enumerable.Range(0, 5).Select(i => Reply($"h{i}", 1, [0.1f + 0.01f * i, 0.1f, 0, 0], [0, 0])).ToList();
        var outcome = new CenteredClipping().Aggregate(Input(Base, [.. honest, Reply("evil", 1, [-1e6f, 1e6f, 1e6f, 0], [0, 1e6f])]));
        var v = Flat(outcome.Weights);
        log.WriteLine(string.Join(", ", v));
        Assert.InRange(v[0], 0.05f, 0.13f);
        Assert.InRange(v[1], 0.05f, 0.15f);
        Assert.True(outcome.ReplyWeights[5] < 0.01, $"the outlier's share {outcome.ReplyWeights[5]}");
        Assert.Equal(1, outcome.ReplyWeights.Sum(), 12);
    }

    [Fact]
    public void Equal_updates_need_no_clipping()
    {
        var replies = new[] { Reply("a", 1, [2, 2, 2, 2], [2, 2]), Reply("b", 1, [2, 2, 2, 2], [2, 2]) };
        var outcome = new CenteredClipping().Aggregate(Input(Base, replies));
        AssertClose([2, 2, 2, 2, 2, 2], Flat(outcome.Weights), 1e-6f, log);
        Assert.Equal([0.5, 0.5], outcome.ReplyWeights);
    }

    [Fact]
    public void Bad_parameters_and_empty_rounds_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new CenteredClipping(radius: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CenteredClipping(radius: double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CenteredClipping(iterations: 0));
        Assert.Throws<ArgumentException>(() => new CenteredClipping().Aggregate(Input(Base, [])));
    }
}
