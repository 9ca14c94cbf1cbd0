namespace TrainSwarm.Protocol.Wire;

/// <summary>The field rules of an <c>rl</c> job's settings (<see cref="RlJobSpec"/>), named <c>rl.field</c> as on the wire.</summary>
public static class RlJobSpecRules
{
    /// <summary>Presets an rl job can name.</summary>
    public static readonly IReadOnlyList<string> Presets = [RlJobSpec.CartPolePpo];

    /// <summary>Environments the presets train on.</summary>
    public static readonly IReadOnlyList<string> Environments = ["CartPole-v1"];

    /// <summary>Checks <paramref name="spec"/>'s rl settings through <paramref name="check"/> (ok, field, message).</summary>
    public static void Check(JobSpec spec, Action<bool, string, string> check)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(check);
        var rl = spec.RlSettings;
        check(Presets.Contains(rl.Preset), "rl.preset", $"must be one of {string.Join(", ", Presets)}");
        check(Environments.Contains(rl.Environment), "rl.environment", $"must be one of {string.Join(", ", Environments)}");
        check(rl.Envs is >= 1 and <= 4096, "rl.envs", "must be between 1 and 4096");
        check(rl.Steps is >= 1 and <= 100_000, "rl.steps", "must be between 1 and 100000");
        check((long)rl.Envs * rl.Steps is >= 2 and <= 1_000_000, "rl.envs", "envs × steps (a rollout) must hold 2 to 1000000 transitions");
        check(rl.BatchSize is >= 1 and <= 1_000_000, "rl.batchSize", "must be between 1 and 1000000");
        check(rl.Epochs is >= 1 and <= 1000, "rl.epochs", "must be between 1 and 1000");
        check(double.IsFinite(rl.Gamma) && rl.Gamma is >= 0 and <= 1, "rl.gamma", "must be in [0, 1]");
        check(double.IsFinite(rl.GaeLambda) && rl.GaeLambda is >= 0 and <= 1, "rl.gaeLambda", "must be in [0, 1]");
        check(double.IsFinite(rl.LearningRate) && rl.LearningRate is > 0 and <= 1, "rl.learningRate", "must be above 0 and at most 1");
        check(double.IsFinite(rl.ClipRange) && rl.ClipRange is > 0 and <= 10, "rl.clipRange", "must be above 0 and at most 10");
        check(double.IsFinite(rl.EntropyCoef) && rl.EntropyCoef is >= 0 and <= 10, "rl.entropyCoef", "must be between 0 and 10");
        check(double.IsFinite(rl.ValueCoef) && rl.ValueCoef is >= 0 and <= 100, "rl.valueCoef", "must be between 0 and 100");
        check(double.IsFinite(rl.MaxGradNorm) && rl.MaxGradNorm is > 0 and <= 1000, "rl.maxGradNorm", "must be above 0 and at most 1000");
        check(rl.Hidden is { Count: >= 1 and <= 8 } && rl.Hidden.All(h => h is >= 1 and <= 4096), "rl.hidden",
            "must list 1 to 8 widths between 1 and 4096");
        check(rl.RolloutsPerRound is >= 1 and <= 10_000, "rl.rolloutsPerRound", "must be between 1 and 10000");
        check(rl.ScheduleTimesteps is >= 1 and <= 1_000_000_000_000, "rl.scheduleTimesteps", "must be between 1 and 10^12");
        // A node starts round r at r × its per-round steps of the schedule, which must not run out before the last round.
        check((long)spec.Rounds * rl.EnvStepsPerUpdate <= rl.ScheduleTimesteps, "rl.scheduleTimesteps",
            "must be at least rounds × rolloutsPerRound × envs × steps (one node's steps over the job)");
        check(rl.EvalEpisodes is >= 1 and <= 10_000, "rl.evalEpisodes", "must be between 1 and 10000");
        check(double.IsFinite(rl.TargetReturn) && rl.TargetReturn > 0 && rl.TargetReturn <= rl.MaxEpisodeSteps, "rl.targetReturn",
            $"must be above 0 and at most {rl.MaxEpisodeSteps} (CartPole-v1's longest episode)");
        check(spec.TargetAccuracy is null, "targetAccuracy", "an rl job ends on rl.targetReturn, not on an accuracy");
    }
}
