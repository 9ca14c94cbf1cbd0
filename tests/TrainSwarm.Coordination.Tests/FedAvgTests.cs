using TrainSwarm.Coordination.Aggregation;
using static TrainSwarm.Coordination.Tests.Weights;

namespace TrainSwarm.Coordination.Tests;

public class FedAvgTests
{
    private static readonly List<WeightTensor> Base = Of([1, 2, 3, 4], [0.5f, -0.5f]);

    [Fact]
    public void The_new_model_is_base_plus_the_sample_weighted_average_delta()
    {
        // Shares 100/400 = 0.25 and 300/400 = 0.75: powers of two, so every product and sum below is exact in float.
        var a = Reply("a", 100, [4, 0, -4, 8], [1, 0]);
        var b = Reply("b", 300, [0, 4, 4, -8], [-1, 2]);
        var outcome = new FedAvg().Aggregate(Input(Base, [a, b]));

        // weight: 1 + (0.25·4 + 0.75·0), 2 + (0 + 3), 3 + (−1 + 3), 4 + (2 − 6); bias: 0.5 + (0.25 − 0.75), −0.5 + 1.5
        Assert.Equal([2f, 5f, 5f, 0f, 0f, 1f], Flat(outcome.Weights));
        Assert.Equal([0.25, 0.75], outcome.ReplyWeights);
        Assert.Null(outcome.State);
        Assert.Equal(["0.weight", "0.bias"], outcome.Weights.Select(t => t.Name));
    }

    [Fact]
    public void Reply_weights_sum_to_one_for_awkward_sample_counts()
    {
        var replies = new[] { 7L, 13, 1, 999 }.Select((n, i) => Reply($"n{i}", n, [1, 1, 1, 1], [1, 1])).ToList();
        var outcome = new FedAvg().Aggregate(Input(Base, replies));
        // Four shares summed in double: within a few ulps of 1.
        Assert.Equal(1.0, outcome.ReplyWeights.Sum(), 12);
        Assert.Equal(4, outcome.ReplyWeights.Count);
    }

    [Fact]
    public void Failures_do_not_change_the_aggregate()
    {
        var a = Reply("a", 100, [4, 0, -4, 8], [1, 0]);
        var without = new FedAvg().Aggregate(Input(Base, [a]));
        var with = new FedAvg().Aggregate(Input(Base, [a], failures: [new("c", "delivered nothing"), new("d", "tensor 0.weight holds NaN/Inf")]));
        Assert.Equal(Flat(without.Weights), Flat(with.Weights));
        Assert.Equal([1.0], with.ReplyWeights);
        // A lone reply is applied whole: base + δ, exactly.
        Assert.Equal([5f, 2f, -1f, 12f, 1.5f, -0.5f], Flat(with.Weights));
    }

    [Fact]
    public void The_base_is_not_modified()
    {
        var baseWeights = Of([1, 2, 3, 4], [0, 0]);
        new FedAvg().Aggregate(Input(baseWeights, [Reply("a", 1, [1, 1, 1, 1], [1, 1])]));
        Assert.Equal([1f, 2f, 3f, 4f, 0f, 0f], Flat(baseWeights));
    }

    [Fact]
    public void An_empty_round_throws_a_clear_exception()
    {
        var e = Assert.Throws<ArgumentException>(() => new FedAvg().Aggregate(Input(Base, [], failures: [new("a", "delivered nothing")])));
        Assert.Contains("no accepted updates", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reply_with_another_layout_is_a_caller_bug()
    {
        var wrong = new AggregationReply("a", [new WeightTensor("0.weight", [4], [1, 2, 3, 4]), new WeightTensor("0.bias", [2], [0, 0])], 1, 0);
        Assert.Throws<ArgumentException>(() => new FedAvg().Aggregate(Input(Base, [wrong])));
    }
}
