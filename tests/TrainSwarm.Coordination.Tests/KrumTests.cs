using TrainSwarm.Coordination.Aggregation;
using static TrainSwarm.Coordination.Tests.Weights;

namespace TrainSwarm.Coordination.Tests;

public class KrumTests(ITestOutputHelper log)
{
    private static readonly List<WeightTensor> Base = Of([0, 0, 0, 0], [0, 0]);

    // Deltas that differ in the first coordinate only: 0, 1, 2, 3 and an outlier at 10.
    private static AggregationReply[] Line() =>
        [.. new float[] { 0, 1, 2, 3, 10 }.Select((x, i) => Reply($"n{i}", 1 + i, [x, 0, 0, 0], [0, 0]))];

    [Fact]
    public void Scores_are_the_sums_of_squared_distances_to_the_n_minus_f_minus_2_nearest()
    {
        // n = 5, f = 1: each score sums the 2 nearest squared distances.
        var scores = Krum.Single(1).Scores(Line());
        Assert.Equal([1 + 4, 1 + 1, 1 + 1, 1 + 4, 49 + 64], scores);
    }

    [Fact]
    public void Krum_picks_the_best_scored_update_and_pays_it_alone()
    {
        var outcome = Krum.Single(1).Aggregate(Input(Base, Line()));
        // n1 and n2 tie at 2; the earlier reply wins.
        AssertClose([1, 0, 0, 0, 0, 0], Flat(outcome.Weights), 0, log);
        Assert.Equal([0, 1, 0, 0, 0], outcome.ReplyWeights);
    }

    [Fact]
    public void Multi_krum_averages_the_m_best_unweighted_and_they_share_equally()
    {
        var outcome = Krum.MultiKrum(1, 3).Aggregate(Input(Base, Line()));
        // scores 5, 2, 2, 5, 113: the three best are n1, n2 and n0 (n0 beats n3 on reply order) -> mean 1
        AssertClose([1, 0, 0, 0, 0, 0], Flat(outcome.Weights), 0, log);
        Assert.Equal([1 / 3.0, 1 / 3.0, 1 / 3.0, 0, 0], outcome.ReplyWeights);
    }

    [Fact]
    public void Multi_krum_defaults_to_n_minus_f_and_ignores_the_outlier()
    {
        var outcome = Krum.MultiKrum(1).Aggregate(Input(Base, Line()));
        // m = 4: n0..n3, mean 1.5; the outlier at 10 is left out and earns 0
        AssertClose([1.5f, 0, 0, 0, 0, 0], Flat(outcome.Weights), 0, log);
        Assert.Equal(0, outcome.ReplyWeights[4]);
        Assert.Equal(1, outcome.ReplyWeights.Sum(), 12);
    }

    [Fact]
    public void The_default_f_is_the_most_krum_tolerates()
    {
        Assert.Equal(6, Krum.Single().ByzantineFor(16));
        Assert.Equal(1, Krum.Single().ByzantineFor(5));
        Assert.Equal(0, Krum.Single().ByzantineFor(2));
    }

    [Fact]
    public void Small_rounds_still_aggregate()
    {
        var one = Krum.Single(3).Aggregate(Input(Base, [Reply("a", 1, [2, 0, 0, 0], [0, 0])]));
        Assert.Equal([1.0], one.ReplyWeights);
        var two = Krum.MultiKrum(3).Aggregate(Input(Base, [Reply("a", 1, [2, 0, 0, 0], [0, 0]), Reply("b", 1, [4, 0, 0, 0], [0, 0])]));
        Assert.Equal(1, two.ReplyWeights.Sum(), 12);
    }

    [Fact]
    public void Bad_parameters_and_empty_rounds_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Krum.Single(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Krum.MultiKrum(1, 0));
        Assert.Throws<ArgumentException>(() => Krum.Single().Aggregate(Input(Base, [])));
    }
}
