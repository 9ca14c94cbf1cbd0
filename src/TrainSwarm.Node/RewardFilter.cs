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

    /// <summary>Checks <paramref name="round"/>'s expected reward against [<paramref name="min"/>, <paramref name="max"/>] (bounds inclusive, null: none).</summary>
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

    /// <summary>
    /// Parses a non-negative token amount written with at most <see cref="Asset.Scale"/> decimals ("1", "0.5",
    /// "12.000001") exactly into micro-tokens. No sign, exponent, group separator or surrounding space; the decimal
    /// separator is always '.'. False for anything else or an amount that does not fit in a long.
    /// </summary>
    public static bool TryParseTokens(string? text, out long units)
    {
        units = 0;
        if (string.IsNullOrEmpty(text))
            return false;
        var dot = text.IndexOf('.');
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? "" : text[(dot + 1)..];
        if (whole.Length == 0 || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit))
            return false;
        if (dot >= 0 && fraction.Length is 0 or > Asset.Scale)
            return false;
        Int128 value = 0;
        foreach (var c in whole)
        {
            value = value * 10 + (c - '0');
            if (value > long.MaxValue)
                return false;
        }
        value *= Asset.UnitsPerToken;
        var fractionUnits = 0L;
        for (var i = 0; i < Asset.Scale; i++)
            fractionUnits = fractionUnits * 10 + (i < fraction.Length ? fraction[i] - '0' : 0);
        value += fractionUnits;
        if (value > long.MaxValue)
            return false;
        units = (long)value;
        return true;
    }
}
