using TrainSwarm.Daemons;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Devnet;

/// <summary>The lm job `swarm devnet --preset lm` runs (gpt-tiny on fortunes, DiLoCo), and what is checked of its final model here.</summary>
public static class LmDemoJob
{
    /// <summary>The devnet's name for the preset.</summary>
    public const string Preset = "lm";

    /// <summary>
    /// gpt-tiny on the fortunes corpus, windows of 64 tokens, batch 8, H = <paramref name="innerSteps"/> AdamW steps per node per
    /// round (peak lr 2e-3, cosine over the job), DiLoCo outer Nesterov (lr 0.7, momentum 0.9), up to <paramref name="nodes"/> nodes.
    /// </summary>
    public static JobSpec Spec(int rounds = 4, int nodes = 3, int innerSteps = 100) => new()
    {
        Name = "devnet lm", Kind = JobKinds.Lm, Lm = new LmJobSpec { InnerSteps = innerSteps }, Rounds = rounds, MinNodes = 1, MaxNodes = nodes,
        OpenSeconds = 10, TrainSeconds = 900,
    };

    /// <summary>The held-out loss of <paramref name="model"/> (safetensors bytes) on the job's held-out windows, evaluated here.</summary>
    public static LmEvaluation Evaluate(JobSpec spec, byte[] model)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var gpt = Load(spec, model);
        return LmEvaluator.Evaluate(gpt, LmRoundSpecs.Corpus(spec.LmSettings.Corpus).HeldOut, spec.LmSettings.SeqLen,
            maxWindows: spec.LmSettings.EvalWindows);
    }

    /// <summary>The completions the coordinator's dashboard shows for <paramref name="model"/>, computed here the same way.</summary>
    public static IReadOnlyList<TextCompletion> Complete(JobSpec spec, byte[] model) => Coordinator.Queries.GptTextCompletions.Sample(spec, model);

    private static Learning.Models.GptModel Load(JobSpec spec, byte[] model)
    {
        var gpt = new Learning.Models.GptModel(LmRoundSpecs.Config(spec), 0);
        ModuleWeights.Import(gpt, SafeTensorsReader.Read(model));
        return gpt;
    }
}
