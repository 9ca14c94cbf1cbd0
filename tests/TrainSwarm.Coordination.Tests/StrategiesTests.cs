using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Tests;

public class StrategiesTests
{
    [Theory]
    [InlineData("fedavg", typeof(FedAvg))]
    [InlineData("diloco", typeof(DiLoCo))]
    [InlineData("trimmed-mean", typeof(TrimmedMean))]
    [InlineData("median", typeof(CoordinateMedian))]
    [InlineData("krum", typeof(Krum))]
    [InlineData("multi-krum", typeof(Krum))]
    [InlineData("centered-clipping", typeof(CenteredClipping))]
    public void Create_returns_the_named_strategy(string name, Type type)
    {
        var strategy = Strategies.Create(name, new JobSpec());
        Assert.IsType(type, strategy);
        Assert.Equal(name, strategy.Name);
    }

    [Fact]
    public void Every_strategy_a_job_spec_allows_exists()
    {
        foreach (var name in JobSpecRules.Strategies)
            Assert.Equal(name, Strategies.Create(name, new JobSpec()).Name);
    }

    [Fact]
    public void An_unknown_name_throws_listing_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => Strategies.Create("bulyan", new JobSpec()));
        Assert.Contains("fedavg", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_robust_parameters_come_from_the_spec()
    {
        var spec = new JobSpec { MaxNodes = 16, ByzantineCount = 3, KrumSelected = 5, ClippingRadius = 0.5, ClippingIterations = 2, TrimFraction = 0.25 };
        var multi = Assert.IsType<Krum>(Strategies.Create("multi-krum", spec));
        Assert.Equal((3, 5), (multi.Byzantine!.Value, multi.Selected!.Value));
        var clipping = Assert.IsType<CenteredClipping>(Strategies.Create("centered-clipping", spec));
        Assert.Equal((0.5, 2), (clipping.Radius!.Value, clipping.Iterations));
        Assert.Equal(0.25, Assert.IsType<TrimmedMean>(Strategies.Create("trimmed-mean", spec)).Beta);
        var diloco = Assert.IsType<DiLoCo>(Strategies.Create("diloco", spec with { RobustInner = "median" }));
        Assert.IsType<CoordinateMedian>(diloco.Inner);
        Assert.Null(Assert.IsType<DiLoCo>(Strategies.Create("diloco", spec)).Inner);
    }

    [Fact]
    public void The_outer_parameters_come_from_the_spec()
    {
        Assert.Equal(new OuterParameters(0.7, 0.9), Strategies.OuterOf(new JobSpec()));
        Assert.Equal(new OuterParameters(0.5, 0.1), Strategies.OuterOf(new JobSpec { OuterLearningRate = 0.5, OuterMomentum = 0.1 }));
    }
}
