using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Protocol.Tests;

public class JobSpecRulesTests
{
    [Fact]
    public void The_default_spec_is_valid() => Assert.Empty(JobSpecRules.Validate(new JobSpec()));

    [Theory]
    [InlineData("median")]
    [InlineData("krum")]
    [InlineData("multi-krum")]
    [InlineData("centered-clipping")]
    [InlineData("trimmed-mean")]
    public void Robust_strategies_are_accepted_with_their_defaults(string strategy) =>
        Assert.Empty(JobSpecRules.Validate(new JobSpec { Strategy = strategy, MaxNodes = 16 }));

    [Fact]
    public void Robust_parameters_out_of_range_are_named()
    {
        var errors = JobSpecRules.Validate(new JobSpec
        {
            Strategy = "krum", MaxNodes = 5, ByzantineCount = 3, KrumSelected = 6, ClippingRadius = -1, ClippingIterations = 0,
            TrimFraction = 0.5, RobustInner = "median",
        });
        Assert.Equal(["byzantineCount", "clippingIterations", "clippingRadius", "krumSelected", "robustInner", "trimFraction"],
            errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("maxNodes > 2f + 2", errors["byzantineCount"][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Diloco_takes_a_robust_inner_rule()
    {
        Assert.Empty(JobSpecRules.Validate(new JobSpec { Strategy = "diloco", RobustInner = "centered-clipping" }));
        Assert.Contains("robustInner", JobSpecRules.Validate(new JobSpec { Strategy = "diloco", RobustInner = "fedavg" }).Keys);
    }
}
