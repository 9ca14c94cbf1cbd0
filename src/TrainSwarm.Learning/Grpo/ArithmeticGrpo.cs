using System.Diagnostics;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Learning.Grpo;

/// <summary>
/// The whole arithmetic GRPO run in one process: supervised pre-training on the task's format, then rounds of GRPO steps.
/// </summary>
/// <param name="Digits">Difficulty: operands below 10^Digits.</param>
/// <param name="Model">The GPT to train (context at least a problem line).</param>
/// <param name="Pretrain">Supervised training on the answers of fresh training problems (Steps × BatchSize draws from the training
/// split, not only GRPO's prompts); kept short so the model is only partly right.</param>
/// <param name="Grpo">GRPO settings; <see cref="GrpoSpec.Steps"/> steps make one round.</param>
/// <param name="Rounds">GRPO rounds; each starts a fresh optimizer and takes its starting policy as the KL reference, as a swarm round does.</param>
/// <param name="TrainPrompts">Training prompts GRPO draws from (disjoint from the held-out ones by construction).</param>
/// <param name="HeldOut">Held-out prompts for the exact-match accuracy.</param>
public sealed record ArithmeticGrpoSettings(int Digits, GptConfig Model, AnswerPretrainSpec Pretrain, GrpoSpec Grpo, int Rounds,
    int TrainPrompts, int HeldOut, ulong Seed)
{
    /// <summary>
    /// The `grpo` preset: 2-digit addition and subtraction, a 2-layer GPT of width 64 (context 32), a short pre-training that
    /// leaves it partly right (20.5% held-out exact match at seed 0), then one round of 25 GRPO steps. One round, because at these
    /// settings further rounds did not keep the gain (README: the measured figures).
    /// </summary>
    public static ArithmeticGrpoSettings Preset(ulong seed = 0) => new(
        Digits: 2,
        Model: GrpoModels.GrpoTiny,
        Pretrain: new AnswerPretrainSpec(Steps: 1500, BatchSize: 64),
        Grpo: new GrpoSpec(Steps: 25, PromptsPerStep: 16, GroupSize: 8, MaxNewTokens: 5, Temperature: 0.7, Lr: 2e-5),
        Rounds: 1,
        TrainPrompts: 5_000,
        HeldOut: 200,
        Seed: seed);
}

/// <summary>One round of GRPO: the steps' figures and the held-out accuracy after it.</summary>
public sealed record GrpoRoundReport(int Round, IReadOnlyList<GrpoStep> Steps, double MeanReward, double SampledExactRate, ExactMatchResult HeldOut,
    double Seconds);

/// <summary>What the run measured: held-out exact match before and after GRPO, every round, and where the time went.</summary>
public sealed record ArithmeticGrpoReport(ExactMatchResult Before, ExactMatchResult After, IReadOnlyList<GrpoRoundReport> Rounds, float PretrainLoss,
    double PretrainSeconds, double GrpoSeconds, GptModel Model);

/// <summary>Runs <see cref="ArithmeticGrpoSettings"/>: pre-train, measure, GRPO round by round, measure.</summary>
public static class ArithmeticGrpo
{
    /// <summary>
    /// The pre-trained model of <paramref name="seed"/>: initialized from it, then <paramref name="spec"/>'s supervised steps on
    /// Steps × BatchSize fresh training problems (their own seed stream). A grpo job's initial model is exactly this.
    /// </summary>
    public static (GptModel Model, IReadOnlyList<float> Losses) Pretrain(GptConfig config, int digits, AnswerPretrainSpec spec, ulong seed,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var model = new GptModel(config, seed);
        var lines = new ArithmeticTasks(digits).Train(spec.Steps * spec.BatchSize, seed ^ 0x5052_4554).Select(p => p.ToPrompt()).ToList();
        return (model, AnswerPretrainer.Train(model, spec, lines, seed, cancellation: cancellation));
    }

    /// <summary>The training prompts GRPO draws from for <paramref name="seed"/>: every node of a job draws from the same pool.</summary>
    public static IReadOnlyList<VerifiablePrompt> TrainPrompts(ArithmeticTasks tasks, int count, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(tasks);
        return tasks.Train(count, seed ^ 0x4752_504F).Select(p => p.ToPrompt()).ToList();
    }

    /// <summary>Runs it all; <paramref name="onPretrained"/> gets the held-out accuracy before GRPO, <paramref name="onRound"/> each round.</summary>
    public static ArithmeticGrpoReport Run(ArithmeticGrpoSettings s, Action<ExactMatchResult, float>? onPretrained = null,
        Action<GrpoStep>? onStep = null, Action<GrpoRoundReport>? onRound = null, CancellationToken cancellation = default)
    {
        var tasks = new ArithmeticTasks(s.Digits);
        // Separate seed streams for the pre-training lines, GRPO's prompts and the held-out set.
        var heldOut = tasks.HeldOut(s.HeldOut, s.Seed ^ 0x4845_4C44).Select(p => p.ToPrompt()).ToList();
        var trainPrompts = TrainPrompts(tasks, s.TrainPrompts, s.Seed);
        int maxNew = Math.Min(s.Grpo.MaxNewTokens, tasks.MaxCompletionTokens);

        var clock = Stopwatch.StartNew();
        var (model, pretrain) = Pretrain(s.Model, s.Digits, s.Pretrain, s.Seed, cancellation);
        double pretrainSeconds = clock.Elapsed.TotalSeconds;
        var before = ExactMatchEvaluator.Evaluate(model, heldOut, maxNew);
        onPretrained?.Invoke(before, pretrain[^1]);

        var rounds = new List<GrpoRoundReport>(s.Rounds);
        var reference = new GptModel(s.Model, seed: 0);
        var grpoClock = Stopwatch.StartNew();
        for (int r = 0; r < s.Rounds; r++)
        {
            var roundClock = Stopwatch.StartNew();
            ModuleWeights.Import(reference, SafeTensorsReader.Read(ModuleWeights.ToBytes(model)));
            var result = GrpoTrainer.Train(model, reference, s.Grpo with { MaxNewTokens = maxNew }, trainPrompts, s.Seed + 1 + (ulong)r, onStep, cancellation);
            var eval = ExactMatchEvaluator.Evaluate(model, heldOut, maxNew);
            var report = new GrpoRoundReport(r + 1, result.Steps, result.MeanReward,
                result.Steps.Sum(x => x.ExactRate * x.Completions) / result.Completions, eval, roundClock.Elapsed.TotalSeconds);
            rounds.Add(report);
            onRound?.Invoke(report);
        }
        var after = rounds.Count > 0 ? rounds[^1].HeldOut : before;
        return new ArithmeticGrpoReport(before, after, rounds, pretrain[^1], pretrainSeconds, grpoClock.Elapsed.TotalSeconds, model);
    }
}
