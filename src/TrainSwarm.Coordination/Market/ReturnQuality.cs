namespace TrainSwarm.Coordination.Market;

/// <summary>
/// The quality weight of an rl update, in basis points, from the mean evaluation returns of the global policy (b) and of
/// global + delta (u) on the same episodes. The returns are first fixed to integer milli-return units (round half away from
/// zero), so the rule itself is integer arithmetic that any validator, node or auditor recomputes exactly:
/// <list type="bullet">
/// <item>u ≥ b (the update kept or raised the return): 10000, full pay;</item>
/// <item>0 &lt; u &lt; b: ⌊10000 × u / b⌋ (half the return, half the pay), as the holdout-loss rule pays base / updated loss;</item>
/// <item>u ≤ 0 &lt; b, or a return that is not finite: 0.</item>
/// </list>
/// CartPole's returns are episode lengths, at least 1, so b &gt; 0 always; the rule assumes positive returns, which is why the
/// rl job rules admit only such environments.
/// </summary>
public static class ReturnQuality
{
    /// <summary>Milli-return units per unit of return.</summary>
    public const long MilliPerReturn = 1000;

    /// <summary>The quality weight (0 to 10000) of an update that took the mean return from base to updated.</summary>
    public static int Bps(double baseReturn, double updatedReturn)
    {
        if (!double.IsFinite(baseReturn) || !double.IsFinite(updatedReturn) || Math.Abs(baseReturn) > 1e12 || Math.Abs(updatedReturn) > 1e12)
            return 0;
        var b = Milli(baseReturn);
        var u = Milli(updatedReturn);
        if (u >= b)
            return Settlement.FullBps;
        if (u <= 0 || b <= 0)
            return 0;
        return (int)(Settlement.FullBps * u / b);
    }

    /// <summary>A return in integer milli-return units.</summary>
    public static long Milli(double value) => (long)Math.Round(value * MilliPerReturn, MidpointRounding.AwayFromZero);
}
