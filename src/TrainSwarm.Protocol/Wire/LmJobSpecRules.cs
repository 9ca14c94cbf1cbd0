namespace TrainSwarm.Protocol.Wire;

/// <summary>The field rules of an <c>lm</c> job's settings (<see cref="LmJobSpec"/>), named <c>lm.field</c> as on the wire.</summary>
public static class LmJobSpecRules
{
    /// <summary>Presets an lm job can name, with their context lengths (Protocol cannot reference the engine; a test checks they agree).</summary>
    public static readonly IReadOnlyDictionary<string, int> Contexts = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        [LmJobSpec.GptTiny] = 128, [LmJobSpec.GptSmall] = 256,
    };

    /// <summary>Named corpora every node and validator can resolve.</summary>
    public static readonly IReadOnlyList<string> Corpora = [LmJobSpec.Fortunes];

    /// <summary>Checks <paramref name="spec"/>'s lm settings through <paramref name="check"/> (ok, field, message).</summary>
    public static void Check(JobSpec spec, Action<bool, string, string> check)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(check);
        var lm = spec.LmSettings;
        var known = Contexts.TryGetValue(lm.Preset ?? "", out var context);
        check(known, "lm.preset", $"must be one of {string.Join(", ", Contexts.Keys)}");
        check(Corpora.Contains(lm.Corpus) || DatasetIds.IsValid(lm.Corpus), "lm.corpus",
            $"must be one of {string.Join(", ", Corpora)} or an uploaded text dataset's id ({DatasetIds.Format})");
        check(lm.SeqLen >= 1 && (!known || lm.SeqLen <= context), "lm.seqLen",
            known ? $"must be between 1 and {context} ({lm.Preset}'s context)" : "must be between 1 and the preset's context");
        check(lm.BatchSize is >= 1 and <= 1024, "lm.batchSize", "must be between 1 and 1024");
        check(lm.InnerSteps is >= 1 and <= 1_000_000, "lm.innerSteps", "must be between 1 and 1000000");
        check(double.IsFinite(lm.MaxLr) && lm.MaxLr is > 0 and <= 1, "lm.maxLr", "must be above 0 and at most 1");
        check(double.IsFinite(lm.MinLr) && lm.MinLr >= 0 && lm.MinLr <= lm.MaxLr, "lm.minLr", "must be between 0 and lm.maxLr");
        check(lm.WarmupSteps >= 0 && (long)lm.WarmupSteps <= (long)spec.Rounds * lm.InnerSteps, "lm.warmupSteps",
            "must be between 0 and rounds × lm.innerSteps (one node's steps over the job)");
        check(double.IsFinite(lm.WeightDecay) && lm.WeightDecay is >= 0 and <= 10, "lm.weightDecay", "must be between 0 and 10");
        check(double.IsFinite(lm.GradClip) && lm.GradClip is > 0 and <= 1000, "lm.gradClip", "must be above 0 and at most 1000");
        check(lm.EvalWindows is >= 1 and <= 100_000, "lm.evalWindows", "must be between 1 and 100000");
        check(lm.TargetLoss is null || (double.IsFinite(lm.TargetLoss.Value) && lm.TargetLoss > 0), "lm.targetLoss", "must be a positive number of nats");
        check(spec.TargetAccuracy is null, "targetAccuracy", "an lm job ends on lm.targetLoss, not on an accuracy");
    }
}
