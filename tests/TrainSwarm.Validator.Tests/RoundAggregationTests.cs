using TrainSwarm.Coordination.Aggregation;
using static TrainSwarm.Validator.Tests.Synthetic;

namespace TrainSwarm.Validator.Tests;

public class RoundAggregationTests
{
    [Fact]
    public void Accepted_updates_get_their_share_and_rejected_ones_zero()
    {
        var scorer = UpdateScorer.Create(Spec, BaseModel(), Images(100));
        var nan = Filled(0.01f);
        nan[0].AsF32()[0] = float.NaN;
        // c is not a doubled copy of a (that would earn nothing): its first value points the other way.
        var c = Filled(0.02f);
        c[0].AsF32()[0] = -0.02f;
        var scored = scorer.Score([Candidate("a", Filled(0.01f), samples: 100), Candidate("b", nan), Candidate("c", c, samples: 300)]);
        var round = RoundAggregation.Run(new FedAvg(), scorer.BaseWeights, scored, ["d"], null, new OuterParameters(0.7, 0.9));

        Assert.NotNull(round.Outcome);
        Assert.Equal([0.25, 0, 0.75], round.Verdicts.Select(v => v.Weight));
        Assert.Equal(["a", "b", "c"], round.Verdicts.Select(v => v.Node));
        // FedAvg: base + 0.25·0.01 + 0.75·0.02 = base + 0.0175, and 0.0025 − 0.015 = −0.0125 for the first value (float
        // rounding: 1e-6 absolute).
        var expected = scorer.BaseWeights.SelectMany(t => t.Values).Select((v, i) => v + (i == 0 ? -0.0125f : 0.0175f)).ToArray();
        var actual = round.Outcome!.Weights.SelectMany(t => t.Values).ToArray();
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, p.Second, 1e-6f));
    }

    [Fact]
    public void Nothing_accepted_means_no_aggregate()
    {
        var scorer = UpdateScorer.Create(Spec, BaseModel(), Images(100));
        var scored = scorer.Score([new CandidateUpdate(Receipt("a", [1]), null, "the receipt's signature does not verify")]);
        var round = RoundAggregation.Run(new DiLoCo(), scorer.BaseWeights, scored, [], null, new OuterParameters(0.7, 0.9));
        Assert.Null(round.Outcome);
        Assert.Equal(0, Assert.Single(round.Verdicts).Weight);
    }
}
