using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node.Tests;

/// <summary>The node daemon's reward filter and token amounts: which rounds a node joins for what it expects to earn.</summary>
public sealed class RewardFilterTests
{
    [Theory]
    [InlineData(null, null, null, RewardVerdict.Within, null)]
    [InlineData(null, 1L, null, RewardVerdict.BelowMinimum, 1L)]         // a round without terms counts as paying 0
    [InlineData(0L, 0L, null, RewardVerdict.Within, null)]               // the minimum is inclusive
    [InlineData(39_069L, 1_000_000L, null, RewardVerdict.BelowMinimum, 1_000_000L)]
    [InlineData(39_069L, null, 10_000L, RewardVerdict.AboveMaximum, 10_000L)]
    [InlineData(10_000L, 10_000L, 10_000L, RewardVerdict.Within, null)]  // both bounds are inclusive
    [InlineData(5L, 10L, 1L, RewardVerdict.BelowMinimum, 10L)]           // the minimum is checked first
    public void A_round_is_joinable_only_within_the_bounds(long? expected, long? min, long? max, RewardVerdict verdict, long? bound)
    {
        var check = RewardFilter.Check(expected, min, max);
        Assert.Equal((verdict, verdict == RewardVerdict.Within, bound), (check.Verdict, check.Joinable, check.Bound));
    }

    [Fact]
    public void The_reason_names_the_expected_reward_and_the_bound_in_tokens()
    {
        Assert.Equal("expected reward 0.039069 below the minimum 1.000000", RewardFilter.Check(39_069, 1_000_000, null).Describe());
        Assert.Equal("expected reward 0.039069 above the maximum 0.010000", RewardFilter.Check(39_069, null, 10_000).Describe());
    }

    [Fact]
    public void A_round_listing_without_an_expected_reward_counts_as_zero()
    {
        var round = new RoundView("j1-r0", "j1", 0, 1, RoundStatus.Open, 0, "m", "fashion-mnist", "mlp", 1, 3, 10, 32,
            DateTimeOffset.UnixEpoch, null, null, null, DateTimeOffset.UnixEpoch, null, null, null, []);
        Assert.Equal(0, RewardFilter.ExpectedOf(round));
        Assert.Equal(RewardFilter.Check(0, 1, null), RewardFilter.Check(round, 1, null));
        Assert.Equal(7, RewardFilter.ExpectedOf(round with { ExpectedReward = 7 }));
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1", 1_000_000L)]
    [InlineData("1.5", 1_500_000L)]
    [InlineData("0.000001", 1L)]
    [InlineData("12.000001", 12_000_001L)]
    [InlineData("00001.100000", 1_100_000L)]
    [InlineData("9223372036854.775807", long.MaxValue)]
    public void Token_amounts_parse_exactly_to_micro_tokens_with_the_ledger_parser(string text, long units)
    {
        Assert.True(TrainSwarm.Ledger.Asset.TryParse(text, out var parsed));
        Assert.Equal(units, parsed);
    }

    [Theory]
    [InlineData("9223372036854.775808")]
    [InlineData("9223372036855")]
    [InlineData("1.1234567")]
    [InlineData(".5")]
    [InlineData("5.")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("1e3")]
    [InlineData("1,5")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("١")]
    public void Anything_else_is_not_a_token_amount(string? text) => Assert.False(TrainSwarm.Ledger.Asset.TryParse(text, out _));

    [Fact]
    public void Node_options_refuse_negative_or_crossed_bounds()
    {
        Assert.Throws<ArgumentException>(() => (Options() with { MinReward = -1 }).Validate());
        Assert.Throws<ArgumentException>(() => (Options() with { MinReward = 2, MaxReward = 1 }).Validate());
        Assert.Throws<ArgumentException>(() => (Options() with { PayoutWait = TimeSpan.Zero }).Validate());
        (Options() with { MinReward = 5, MaxReward = 5 }).Validate();
    }

    private static NodeOptions Options() => new() { Coordinator = new Uri("http://127.0.0.1:9"), KeyPath = "/tmp/none.pem" };
}
