namespace TrainSwarm.Protocol.Wire;

/// <summary>A grpo job in words, one line, as the coordinator's events, the quote and the status views all write it.</summary>
public static class GrpoJobText
{
    /// <summary>"grpo grpo-tiny on 2-digit arithmetic, 2 rounds × 1–3 nodes × 25 steps of 16 prompts × 8 completions, fedavg".</summary>
    public static string Describe(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var g = spec.GrpoSettings;
        return $"grpo {g.Preset} on {g.Digits}-digit arithmetic, {spec.Rounds} rounds × {spec.MinNodes}–{spec.MaxNodes} nodes × {g.StepsPerRound} "
            + $"steps of {g.PromptsPerStep} prompts × {g.GroupSize} completions, {spec.Strategy}";
    }
}
