namespace TrainSwarm.Protocol.Wire;

/// <summary>Checks a <see cref="JobSpec"/> field by field, so a bad spec is refused with every problem named.</summary>
public static class JobSpecRules
{
    /// <summary>Model presets known to every node.</summary>
    public static readonly IReadOnlyList<string> Models = ["mlp", "cnn", "cnn-rgb32"];

    /// <summary>Strategies a validator can run.</summary>
    public static readonly IReadOnlyList<string> Strategies =
        ["fedavg", "diloco", "trimmed-mean", "median", "krum", "multi-krum", "centered-clipping"];

    /// <summary>Robust rules DiLoCo's outer step can sit on (<see cref="JobSpec.RobustInner"/>).</summary>
    public static readonly IReadOnlyList<string> RobustRules = ["trimmed-mean", "median", "krum", "multi-krum", "centered-clipping"];

    /// <summary>Inner optimizers a node can run.</summary>
    public static readonly IReadOnlyList<string> Optimizers = ["sgd", "adam", "adamw"];

    /// <summary>Named datasets in the catalog (TrainSwarm.Learning's DatasetCatalog; a test keeps the two lists equal).</summary>
    public static readonly IReadOnlyList<string> Datasets = ["fashion-mnist", "mnist", "kmnist", "emnist-balanced", "cifar-10", "cifar-100", "svhn"];

    /// <summary>Problems by field name (camelCase, as on the wire); empty when the spec is valid.</summary>
    public static Dictionary<string, string[]> Validate(JobSpec? spec)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (spec is null)
        {
            errors["spec"] = ["a job spec is required"];
            return errors;
        }
        void Check(bool ok, string field, string message)
        {
            if (!ok)
                errors[field] = [message];
        }
        Check(spec.Name is not null && spec.Name.Length <= 200, "name", "must be a text of at most 200 characters");
        Check(spec.Kind is null || JobKinds.All.Contains(spec.Kind), "kind", $"must be one of {string.Join(", ", JobKinds.All)} (or left out for image)");
        Check(spec.Rl is null || spec.IsRl, "rl", "only a job of kind rl takes rl settings");
        Check(spec.Lm is null || spec.IsLm, "lm", "only a job of kind lm takes lm settings");
        Check(spec.Grpo is null || spec.IsGrpo, "grpo", "only a job of kind grpo takes grpo settings");
        // An rl job needs no model or dataset: its policy and its experience come from the rl settings; an lm job's model
        // and corpus come from its lm settings.
        if (spec.IsRl)
            RlJobSpecRules.Check(spec, Check);
        else if (spec.IsLm)
            LmJobSpecRules.Check(spec, Check);
        else if (spec.IsGrpo)
            GrpoJobSpecRules.Check(spec, Check);
        else if (spec.Layers is null)
            Check(Models.Contains(spec.Model), "model", $"must be one of {string.Join(", ", Models)} (or give layers)");
        else
            Check(spec.Layers.Count is > 0 and <= 64 && spec.Layers.All(l => !string.IsNullOrWhiteSpace(l) && l.Length <= 64),
                "layers", "must list 1 to 64 layers such as \"linear(784,128)\"");
        Check(spec.IsRl || spec.IsLm || spec.IsGrpo || Datasets.Contains(spec.Dataset) || DatasetIds.IsValid(spec.Dataset), "dataset",
            $"must be one of {string.Join(", ", Datasets)} or an uploaded dataset's id ({DatasetIds.Format})");
        Check(spec.Rounds is >= 1 and <= 10_000, "rounds", "must be between 1 and 10000");
        Check(spec.MinNodes is >= 1 and <= 256, "minNodes", "must be between 1 and 256");
        Check(spec.MaxNodes is >= 1 and <= 256 && spec.MaxNodes >= spec.MinNodes, "maxNodes", "must be between minNodes and 256");
        Check(spec.InnerSteps is >= 1 and <= 1_000_000, "innerSteps", "must be between 1 and 1000000");
        Check(spec.BatchSize is >= 1 and <= 8192, "batchSize", "must be between 1 and 8192");
        Check(double.IsFinite(spec.LearningRate) && spec.LearningRate is > 0 and <= 10, "learningRate", "must be above 0 and at most 10");
        Check(Optimizers.Contains(spec.Optimizer), "optimizer", $"must be one of {string.Join(", ", Optimizers)}");
        Check(double.IsFinite(spec.Momentum) && spec.Momentum is >= 0 and < 1, "momentum", "must be in [0, 1)");
        Check(Strategies.Contains(spec.Strategy), "strategy", $"must be one of {string.Join(", ", Strategies)}");
        CheckRobust(spec, Check);
        Check(double.IsFinite(spec.OuterLearningRate) && spec.OuterLearningRate is > 0 and <= 10, "outerLearningRate", "must be above 0 and at most 10");
        Check(double.IsFinite(spec.OuterMomentum) && spec.OuterMomentum is >= 0 and < 1, "outerMomentum", "must be in [0, 1)");
        Check(double.IsFinite(spec.HoldoutFraction) && spec.HoldoutFraction is >= 0.001 and <= 0.5, "holdoutFraction", "must be between 0.001 and 0.5");
        Check(spec.TargetAccuracy is null || (double.IsFinite(spec.TargetAccuracy.Value) && spec.TargetAccuracy is > 0 and <= 1),
            "targetAccuracy", "must be above 0 and at most 1");
        Check(spec.TrainSamples is null || spec.TrainSamples >= spec.MaxNodes, "trainSamples", "must be at least maxNodes (one sample per shard)");
        Check(spec.FirstSamples is null || spec.FirstSamples >= Math.Max(2, spec.MaxNodes + 1), "firstSamples",
            "must be more than maxNodes (a holdout and one sample per shard)");
        Check(spec.CommitEvery is null or (>= 1 and <= 1_000_000), "commitEvery", "must be between 1 and 1000000");
        Check(spec.StateWindowSeconds is null || (spec.StateWindowSeconds >= 1 && spec.StateWindowSeconds < spec.ValidateSeconds), "stateWindowSeconds",
            "must be at least 1 and below validateSeconds (the validator waits for the states inside its lease)");
        Check(spec.ReplayShareBps is null or (>= 0 and <= 10_000), "replayShareBps", "must be between 0 and 10000 (basis points)");
        Check(spec.Validators is null or (>= 1 and <= JobSpec.MaxValidators), "validators", $"must be between 1 and {JobSpec.MaxValidators}");
        Check(spec.Quorum is null || (spec.Quorum >= JobSpec.Majority(spec.ValidatorCount) && spec.Quorum <= spec.ValidatorCount), "quorum",
            "must be between a majority of the validators (⌊n/2⌋ + 1) and their number n");
        Check(spec.OpenSeconds is >= 1 and <= 86_400, "openSeconds", "must be between 1 and 86400");
        Check(spec.TrainSeconds is >= 1 and <= 604_800, "trainSeconds", "must be between 1 and 604800");
        Check(spec.ValidateSeconds is >= 1 and <= 86_400, "validateSeconds", "must be between 1 and 86400");
        return errors;
    }

    // The robust strategies' parameters. Each is checked whatever the strategy, so a spec never carries a value that
    // would be refused the day its strategy is switched on.
    private static void CheckRobust(JobSpec spec, Action<bool, string, string> check)
    {
        check(spec.RobustInner is null || (spec.Strategy == "diloco" && RobustRules.Contains(spec.RobustInner)), "robustInner",
            $"only strategy diloco takes a robust inner rule, one of {string.Join(", ", RobustRules)}");
        check(spec.TrimFraction is null or (>= 0 and < 0.5), "trimFraction", "must be in [0, 0.5)");
        // Krum scores each update by its n − f − 2 nearest others, so a full round needs at least one neighbour.
        check(spec.ByzantineCount is null || (spec.ByzantineCount >= 0 && spec.ByzantineCount <= spec.MaxNodes - 3), "byzantineCount",
            "must be between 0 and maxNodes − 3 (Krum scores by the n − f − 2 nearest updates; its guarantee needs maxNodes > 2f + 2)");
        check(spec.KrumSelected is null || (spec.KrumSelected >= 1 && spec.KrumSelected <= spec.MaxNodes), "krumSelected",
            "must be between 1 and maxNodes");
        check(spec.ClippingRadius is null || (double.IsFinite(spec.ClippingRadius.Value) && spec.ClippingRadius > 0), "clippingRadius",
            "must be a positive number (or left out for the median distance)");
        check(spec.ClippingIterations is null or (>= 1 and <= 100), "clippingIterations", "must be between 1 and 100");
    }
}
