using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Tests;

public class StrategiesTests
{
    [Theory]
    [InlineData("fedavg", typeof(FedAvg))]
    [InlineData("diloco", typeof(DiLoCo))]
    [InlineData("trimmed-mean", typeof(TrimmedMean))]
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
        var e = Assert.Throws<ArgumentException>(() => Strategies.Create("krum", new JobSpec()));
        Assert.Contains("fedavg", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_outer_parameters_come_from_the_spec()
    {
        Assert.Equal(new OuterParameters(0.7, 0.9), Strategies.OuterOf(new JobSpec()));
        Assert.Equal(new OuterParameters(0.5, 0.1), Strategies.OuterOf(new JobSpec { OuterLearningRate = 0.5, OuterMomentum = 0.1 }));
    }
}
