namespace TrainSwarm.Protocol.Wire;

/// <summary>An lm job in words, one line, as the coordinator's events, the quote and the status views all write it.</summary>
public static class LmJobText
{
    /// <summary>"lm gpt-tiny on fortunes, 4 rounds × 3 nodes × H=100 steps of 8×64 tokens, diloco".</summary>
    public static string Describe(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var lm = spec.LmSettings;
        return $"lm {lm.Preset} on {lm.Corpus}, {spec.Rounds} rounds × {spec.MinNodes}–{spec.MaxNodes} nodes × H={lm.InnerSteps} steps of "
            + $"{lm.BatchSize}×{lm.SeqLen} tokens, {spec.Strategy}";
    }
}
