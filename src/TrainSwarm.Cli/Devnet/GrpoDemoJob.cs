using TrainSwarm.Daemons;
using TrainSwarm.Learning.Grpo;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Devnet;

/// <summary>The grpo job `swarm devnet --preset grpo` runs, and what is checked of its final model here.</summary>
public static class GrpoDemoJob
{
    /// <summary>The devnet's name for the preset.</summary>
    public const string Preset = "grpo";

    /// <summary>Seed of the held-out prompts the devnet evaluates the downloaded model on (the validator's change every round).</summary>
    public const ulong CheckSeed = 0x4348_4543_4B00;

    /// <summary>
    /// The `swarm train --preset grpo` settings (grpo-tiny, 2-digit arithmetic, 16 prompts × 8 completions, T 0.7, lr 2e-5) with
    /// <paramref name="stepsPerRound"/> GRPO steps a node a round and <paramref name="pretrainSteps"/> pre-training steps at submit
    /// (the preset's 1,500 unless set), up to <paramref name="nodes"/> nodes.
    /// </summary>
    public static JobSpec Spec(int rounds = 2, int nodes = 3, int stepsPerRound = 25, int pretrainSteps = 1500) => new()
    {
        Name = "devnet grpo", Kind = JobKinds.Grpo, Grpo = new GrpoJobSpec { StepsPerRound = stepsPerRound, PretrainSteps = pretrainSteps },
        Rounds = rounds, MinNodes = 1, MaxNodes = nodes, OpenSeconds = 10, TrainSeconds = 900,
    };

    /// <summary>
    /// The held-out exact match of <paramref name="model"/> (safetensors bytes) on <see cref="CheckSeed"/>'s prompts, evaluated here: as
    /// many as the split gives (1,000 at 2 digits), five times the validator's 200, so a change of a point is about one standard error.
    /// </summary>
    public static ExactMatchResult Evaluate(JobSpec spec, byte[] model)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var gpt = GrpoRoundTrainer.Load(GrpoRoundSpecs.Config(spec), model);
        var check = spec with { Grpo = spec.GrpoSettings with { EvalPrompts = GrpoJobSpecRules.MaxEvalPrompts(spec.GrpoSettings.Digits) } };
        return ExactMatchEvaluator.Evaluate(gpt, GrpoRoundSpecs.EvalPrompts(check, CheckSeed), GrpoRoundSpecs.MaxNewTokens(spec));
    }
}
