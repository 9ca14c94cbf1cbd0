using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>Where a round's expected reward stands against a node's bounds.</summary>
public enum RewardVerdict
{
    /// <summary>Within [min, max] (a missing bound does not limit): the node may join.</summary>
    Within,

    /// <summary>Below the node's minimum.</summary>
    BelowMinimum,

    /// <summary>Above the node's maximum.</summary>
    AboveMaximum,
}

/// <summary>
/// One round's expected reward (micro-tokens; a round without one counts as 0) checked against the node's bounds
/// (null: no bound).
/// </summary>
public readonly record struct RewardCheck(long Expected, long? Min, long? Max, RewardVerdict Verdict)
{
    /// <summary>True when the node may join the round.</summary>
    public bool Joinable => Verdict == RewardVerdict.Within;

    /// <summary>The bound the reward broke (null when within).</summary>
    public long? Bound => Verdict switch
    {
        RewardVerdict.BelowMinimum => Min,
        RewardVerdict.AboveMaximum => Max,
        _ => null,
    };

    /// <summary>E.g. "expected reward 0.039069 below the minimum 1.000000".</summary>
    public string Describe() => Verdict switch
    {
        RewardVerdict.BelowMinimum => $"expected reward {Asset.Format(Expected)} below the minimum {Asset.Format(Min ?? 0)}",
        RewardVerdict.AboveMaximum => $"expected reward {Asset.Format(Expected)} above the maximum {Asset.Format(Max ?? 0)}",
        _ => $"expected reward {Asset.Format(Expected)} within bounds",
    };
}

/// <summary>
/// Which open rounds a node is willing to join for their pay, and how a token amount typed by a person becomes
/// micro-tokens. Pure: no I/O, no clock.
/// </summary>
public static class RewardFilter
{
    /// <summary>The expected reward of <paramref name="round"/> in micro-tokens; a round without one (a job without billing) counts as 0.</summary>
    public static long ExpectedOf(RoundView round)
    {
        ArgumentNullException.ThrowIfNull(round);
        return round.ExpectedReward ?? 0;
    }

    /// <summary>
    /// Checks <paramref name="round"/>'s expected reward against [<paramref name="min"/>, <paramref name="max"/>] (bounds
    /// inclusive, null: none).
    /// </summary>
    public static RewardCheck Check(RoundView round, long? min, long? max) => Check(ExpectedOf(round), min, max);

    /// <summary>
    /// Checks <paramref name="expectedReward"/> (null counts as 0) against [<paramref name="min"/>, <paramref name="max"/>]:
    /// both bounds inclusive, a null bound does not limit. The minimum is checked first.
    /// </summary>
    public static RewardCheck Check(long? expectedReward, long? min, long? max)
    {
        var expected = expectedReward ?? 0;
        var verdict = expected < min ? RewardVerdict.BelowMinimum
            : expected > max ? RewardVerdict.AboveMaximum
            : RewardVerdict.Within;
        return new RewardCheck(expected, min, max, verdict);
    }
}
