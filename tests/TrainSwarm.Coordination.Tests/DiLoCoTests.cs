using TrainSwarm.Coordination.Aggregation;
using static TrainSwarm.Coordination.Tests.Weights;

namespace TrainSwarm.Coordination.Tests;

public class DiLoCoTests(ITestOutputHelper log)
{
    private static readonly List<WeightTensor> Base = Of([1, 2, 3, 4], [0, 0]);

    [Fact]
    public void First_round_is_a_nesterov_step_from_zero_momentum()
    {
        // Δ = 0.5·[2,0,−2,4 | 2,0] + 0.5·[0,2,2,0 | 0,−2] = [1,1,0,2 | 1,−1]; g = −Δ.
        // v = 0.9·0 + g = −Δ; step = g + 0.9·v = −1.9·Δ; new = base − 0.7·step = base + 1.33·Δ.
        var replies = new[] { Reply("a", 50, [2, 0, -2, 4], [2, 0]), Reply("b", 50, [0, 2, 2, 0], [0, -2]) };
        var outcome = new DiLoCo().Aggregate(Input(Base, replies, eta: 0.7, mu: 0.9));

        // 0.7 and 0.9 are not exact in float: a few ulps of the values involved (≤ 4) is the expected error.
        AssertClose([2.33f, 3.33f, 3f, 6.66f, 1.33f, -1.33f], Flat(outcome.Weights), 2e-6f, log);
        Assert.NotNull(outcome.State);
        Assert.Equal([-1f, -1f, 0f, -2f, -1f, 1f], Flat(outcome.State!)); // v = g exactly: 0.9·0 + g
        Assert.Equal([0.5, 0.5], outcome.ReplyWeights);
    }

    [Fact]
    public void Second_round_carries_the_momentum()
    {
        // Previous v = [−1,−1,0,−2 | −1,1]; this round Δ = [1,0,0,0 | 0,1] so g = [−1,0,0,0 | 0,−1].
        // v' = 0.9·v + g = [−1.9,−0.9,0,−1.8 | −0.9,−0.1]; step = g + 0.9·v' = [−2.71,−0.81,0,−1.62 | −0.81,−1.09].
        // new = base − 0.7·step = base + [1.897,0.567,0,1.134 | 0.567,0.763].
        var state = Of([-1, -1, 0, -2], [-1, 1]);
        var outcome = new DiLoCo().Aggregate(Input(Base, [Reply("a", 10, [1, 0, 0, 0], [0, 1])], state, eta: 0.7, mu: 0.9));

        // Tolerance: η and μ round to float (relative 3e-8 each), on values up to 4: 2e-6 absolute covers it.
        AssertClose([2.897f, 2.567f, 3f, 5.134f, 0.567f, 0.763f], Flat(outcome.Weights), 2e-6f, log);
        AssertClose([-1.9f, -0.9f, 0f, -1.8f, -0.9f, -0.1f], Flat(outcome.State!), 1e-6f, log);
        // The input state is not modified in place.
        Assert.Equal([-1f, -1f, 0f, -2f, -1f, 1f], Flat(state));
    }

    [Fact]
    public void Eta_one_and_mu_zero_is_exactly_fedavg()
    {
        var replies = new[] { Reply("a", 3, [0.1f, -0.2f, 0.3f, 0.7f], [1e-3f, 5]), Reply("b", 5, [1.5f, 0.25f, -3, 0.01f], [-2, 0.125f]) };
        var diloco = new DiLoCo().Aggregate(Input(Base, replies, eta: 1, mu: 0));
        var fedavg = new FedAvg().Aggregate(Input(Base, replies));
        // Exact: with μ = 0 the momentum is g itself, and base − 1·(−Δ) = base + Δ bit for bit.
        Assert.Equal(Flat(fedavg.Weights), Flat(diloco.Weights));
        Assert.Equal(fedavg.ReplyWeights, diloco.ReplyWeights);
    }

    [Fact]
    public void A_state_with_another_layout_is_refused()
    {
        var state = new List<WeightTensor> { new("0.weight", [2, 2], [0, 0, 0, 0]) };
        Assert.Throws<ArgumentException>(() => new DiLoCo().Aggregate(Input(Base, [Reply("a", 1, [1, 1, 1, 1], [1, 1])], state)));
    }

    [Fact]
    public void An_empty_round_throws()
    {
        Assert.Throws<ArgumentException>(() => new DiLoCo().Aggregate(Input(Base, [])));
    }

    [Fact]
    public void On_a_robust_inner_rule_the_outer_step_uses_its_delta_and_shares()
    {
        List<WeightTensor> baseWeights = Weights.Of([1, 1, 1, 1], [0, 0]);
        AggregationReply[] replies =
        [
            Weights.Reply("a", 1, [1, 0, 0, 0], [0, 0]), Weights.Reply("b", 1, [2, 0, 0, 0], [0, 0]),
            Weights.Reply("evil", 100, [1000, 0, 0, 0], [0, 0]),
        ];
        // η = 1, μ = 0: the outer step is exactly base + the inner median (2, 0, ...), and the outlier gets no share.
        var outcome = new DiLoCo(new CoordinateMedian()).Aggregate(Weights.Input(baseWeights, replies, eta: 1, mu: 0));
        Assert.Equal([3f, 1, 1, 1, 0, 0], Weights.Flat(outcome.Weights));
        Assert.Equal(0, outcome.ReplyWeights[2]);
        Assert.Equal(1, outcome.ReplyWeights.Sum(), 12);
    }
}
