namespace TrainSwarm.Coordination.Market;

/// <summary>
/// The quality weight of a grpo update, in basis points, from how many of the same held-out prompts the global (b) and global + delta
/// (u) answer exactly. Counts are integers, so the rule is exact integer arithmetic that any validator, node or auditor recomputes:
/// <list type="bullet">
/// <item>u ≥ b (accuracy did not drop): 10000, full pay;</item>
/// <item>0 &lt; u &lt; b: ⌊10000 × u / b⌋ (half the correct answers, half the pay), as <see cref="ReturnQuality"/> pays returns;</item>
/// <item>u = 0 &lt; b: 0.</item>
/// </list>
/// </summary>
public static class AccuracyQuality
{
    /// <summary>The quality weight (0 to 10000) of an update that took the exact-match count from base to updated.</summary>
    public static int Bps(int baseCorrect, int updatedCorrect)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(baseCorrect);
        ArgumentOutOfRangeException.ThrowIfNegative(updatedCorrect);
        if (updatedCorrect >= baseCorrect)
            return Settlement.FullBps;
        return (int)((long)Settlement.FullBps * updatedCorrect / baseCorrect);
    }
}
