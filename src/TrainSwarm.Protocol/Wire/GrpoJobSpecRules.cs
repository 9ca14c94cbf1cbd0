namespace TrainSwarm.Protocol.Wire;

/// <summary>The field rules of a <c>grpo</c> job's settings (<see cref="GrpoJobSpec"/>), named <c>grpo.field</c> as on the wire.</summary>
public static class GrpoJobSpecRules
{
    /// <summary>Presets a grpo job can name, with their context lengths (Protocol cannot reference the engine; a test checks they agree).</summary>
    public static readonly IReadOnlyDictionary<string, int> Contexts = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        [GrpoJobSpec.GrpoTiny] = 32, [LmJobSpec.GptTiny] = 128, [LmJobSpec.GptSmall] = 256,
    };

    /// <summary>
    /// The most held-out prompts a job may ask for at <paramref name="digits"/>: half of the ~10% of problems held out (the draw of
    /// distinct ones would crawl past that), as <c>ArithmeticTasks.MaxHeldOutCount</c> computes it.
    /// </summary>
    public static int MaxEvalPrompts(int digits) => digits is < 1 or > 6 ? 0 : (int)Math.Min(100_000, 2L * Pow10(digits) * Pow10(digits) * 1000 / 10_000 / 2);

    /// <summary>What a grpo round names where an image round names its dataset: <c>arithmetic-2</c> (generated, every node has it).</summary>
    public static string TaskName(int digits) => $"arithmetic-{digits}";

    /// <summary>Whether a round's dataset name is a grpo task (<see cref="TaskName"/>) rather than a dataset to resolve.</summary>
    public static bool IsTaskName(string name) =>
        name is not null && name.StartsWith("arithmetic-", StringComparison.Ordinal) && int.TryParse(name.AsSpan(11), out var d) && d is >= 1 and <= 6;

    /// <summary>Checks <paramref name="spec"/>'s grpo settings through <paramref name="check"/> (ok, field, message).</summary>
    public static void Check(JobSpec spec, Action<bool, string, string> check)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(check);
        var g = spec.GrpoSettings;
        var known = Contexts.TryGetValue(g.Preset ?? "", out var context);
        check(known, "grpo.preset", $"must be one of {string.Join(", ", Contexts.Keys)}");
        check(g.Digits is >= 1 and <= 6, "grpo.digits", "must be between 1 and 6 (operands below 10^digits)");
        check(g.PretrainSteps is >= 1 and <= 100_000, "grpo.pretrainSteps", "must be between 1 and 100000");
        check(g.PretrainBatchSize is >= 1 and <= 1024, "grpo.pretrainBatchSize", "must be between 1 and 1024");
        check(g.TrainPrompts is >= 1 and <= 1_000_000, "grpo.trainPrompts", "must be between 1 and 1000000");
        check(g.GroupSize is >= 2 and <= 256, "grpo.groupSize", "must be between 2 and 256 (a group compares its completions)");
        check(g.PromptsPerStep is >= 1 and <= 1024, "grpo.promptsPerStep", "must be between 1 and 1024");
        check(g.StepsPerRound is >= 1 and <= 100_000, "grpo.stepsPerRound", "must be between 1 and 100000");
        check(g.MaxNewTokens >= 1 && (!known || g.Digits is < 1 or > 6 || g.SequenceTokens - 1 <= context), "grpo.maxNewTokens",
            known ? $"must be at least 1, and a prompt and its completion must fit {g.Preset}'s context of {context}" : "must be at least 1");
        check(double.IsFinite(g.Temperature) && g.Temperature is > 0 and <= 10, "grpo.temperature", "must be above 0 and at most 10");
        check(double.IsFinite(g.Lr) && g.Lr is > 0 and <= 1, "grpo.lr", "must be above 0 and at most 1");
        check(double.IsFinite(g.Clip) && g.Clip is >= 0 and <= 10, "grpo.clip", "must be between 0 and 10");
        check(double.IsFinite(g.KlCoef) && g.KlCoef is >= 0 and <= 100, "grpo.klCoef", "must be between 0 and 100");
        check(g.InnerEpochs is >= 1 and <= 100, "grpo.innerEpochs", "must be between 1 and 100");
        var maxEval = MaxEvalPrompts(g.Digits);
        check(g.EvalPrompts >= 1 && (maxEval == 0 || g.EvalPrompts <= maxEval), "grpo.evalPrompts",
            maxEval > 0 ? $"must be between 1 and {maxEval} (half the held-out problems at {g.Digits} digit(s))" : "must be at least 1");
        check(g.TargetAccuracy is null || (double.IsFinite(g.TargetAccuracy.Value) && g.TargetAccuracy is > 0 and <= 1), "grpo.targetAccuracy",
            "must be above 0 and at most 1");
        check(spec.TargetAccuracy is null, "targetAccuracy", "a grpo job ends on grpo.targetAccuracy (held-out exact match)");
        // The validator replays a GRPO round from its start (sampling state is not resumable), so commitments beyond the round's end
        // would only be hashed, never used.
        check(spec.CommitEvery is null || spec.CommitEvery <= g.StepsPerRound, "commitEvery", "must be at most grpo.stepsPerRound");
    }

    private static long Pow10(int digits)
    {
        long v = 1;
        for (var i = 0; i < digits; i++) v *= 10;
        return v;
    }
}
