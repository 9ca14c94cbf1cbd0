using TrainSwarm.Learning.Grpo;
using TrainSwarm.Learning.Models;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Daemons;

/// <summary>
/// Maps a grpo job spec to the engine's settings: the round every node trains and the held-out prompts a validator scores on
/// (the coordinator pre-trains the initial model at submit, <c>JobSpecCheck.InitialModel</c>). Node and validator map it alike, so a
/// replay repeats the node's run.
/// </summary>
public static class GrpoRoundSpecs
{
    /// <summary>The model sizes of <paramref name="spec"/>'s preset over the byte vocabulary.</summary>
    public static GptConfig Config(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return GrpoModels.Config(spec.GrpoSettings.Preset);
    }

    /// <summary>GRPO's settings of <paramref name="spec"/>: one round's steps, the rest as `swarm train --preset grpo` has them.</summary>
    public static GrpoSpec Grpo(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var g = spec.GrpoSettings;
        return new GrpoSpec(g.StepsPerRound, g.PromptsPerStep, g.GroupSize, g.CompletionTokens, g.Temperature, g.Lr, g.Clip, g.KlCoef, g.InnerEpochs);
    }

    /// <summary>The round every node of <paramref name="spec"/> trains (each with its own seed).</summary>
    public static GrpoRoundSpec Round(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var g = spec.GrpoSettings;
        return new GrpoRoundSpec(Config(spec), g.Digits, Grpo(spec), g.TrainPrompts, spec.Seed, spec.CommitInterval);
    }

    /// <summary>
    /// The held-out prompts of a round: drawn from the round's evaluation seed (<see cref="RlRoundSpecs.EvalSeed"/>, from the audit
    /// secret the coordinator reveals only after the uploads), so no node can tune its delta to them.
    /// </summary>
    public static IReadOnlyList<VerifiablePrompt> EvalPrompts(JobSpec spec, ulong evalSeed)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var g = spec.GrpoSettings;
        return new ArithmeticTasks(g.Digits).HeldOut(g.EvalPrompts, evalSeed).Select(p => p.ToPrompt()).ToList();
    }

    /// <summary>The most new tokens the validator decodes greedily (the longest answer and its newline, or less if the spec says so).</summary>
    public static int MaxNewTokens(JobSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.GrpoSettings.CompletionTokens;
    }
}
