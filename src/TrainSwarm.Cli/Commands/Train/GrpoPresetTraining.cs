using System.Globalization;
using Spectre.Console;
using TrainSwarm.Learning.Grpo;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Cli.Commands.Train;

/// <summary>
/// `swarm train --preset grpo`: supervised pre-training on the arithmetic task's format, then GRPO rounds with verifiable rewards,
/// all in this process, printing held-out exact-match accuracy before and after and the reward of every step and round.
/// </summary>
internal static class GrpoPresetTraining
{
    public const string Preset = "grpo";

    /// <summary>Settings from the command line; null ones take the preset's defaults.</summary>
    public sealed record Options(ulong Seed, int? StepsPerRound, int? Rounds, int? PretrainSteps, int? Digits, double? Lr, double? Temperature, string? Output);

    /// <summary>The preset with the command line's changes.</summary>
    public static ArithmeticGrpoSettings Settings(Options o)
    {
        var s = ArithmeticGrpoSettings.Preset(o.Seed);
        int digits = o.Digits ?? s.Digits;
        return s with
        {
            Digits = digits,
            // One digit has only 200 problems (about 20 held out): evaluate on as many as the split can give.
            HeldOut = Math.Min(s.HeldOut, new ArithmeticTasks(digits).MaxHeldOutCount),
            Rounds = o.Rounds ?? s.Rounds,
            Pretrain = s.Pretrain with { Steps = o.PretrainSteps ?? s.Pretrain.Steps },
            Grpo = s.Grpo with { Steps = o.StepsPerRound ?? s.Grpo.Steps, Lr = o.Lr ?? s.Grpo.Lr, Temperature = o.Temperature ?? s.Grpo.Temperature },
        };
    }

    public static int Run(IAnsiConsole console, Options o, CancellationToken cancellation)
    {
        var s = Settings(o);
        var g = s.Grpo;
        console.MarkupLine($"GRPO on {s.Digits}-digit addition and subtraction: GPT of {s.Model.ParameterCount:N0} parameters ({s.Model.Layers} layers, " +
            $"{s.Model.Heads} heads, width {s.Model.Channels}); pre-training {s.Pretrain.Steps} steps × {s.Pretrain.BatchSize} " +
            $"training problems, then " +
            $"{s.Rounds} round(s) × {g.Steps} GRPO steps ({g.PromptsPerStep} prompts × {g.GroupSize} completions, T {g.Temperature:G3}, " +
            $"clip {g.Clip:G3}, β {g.KlCoef:G3}, lr {g.Lr:G3}); {s.HeldOut} held-out prompts; seed {s.Seed}, {Engine.Threads} thread(s)");
        var report = ArithmeticGrpo.Run(s,
            onPretrained: (before, loss) => console.MarkupLine(
                $"Pre-trained: loss {loss:F4}; held-out exact match [bold]{before.Accuracy:P1}[/] ({before.Correct}/{before.Total}), " +
                $"format {before.FormatRate:P1}"),
            onStep: step => console.MarkupLine(
                $"  step {step.Step,3}/{step.Steps}  reward {step.MeanReward:F3}  sampled exact {step.ExactRate:P1}  loss {step.Loss,8:F4}  " +
                $"KL {step.Kl:F5}"),
            onRound: round => console.MarkupLine(
                $"round {round.Round}: mean reward {round.MeanReward:F3}, sampled exact {round.SampledExactRate:P1}; held-out exact match " +
                $"[bold]{round.HeldOut.Accuracy:P1}[/] ({round.HeldOut.Correct}/{round.HeldOut.Total}), {round.Seconds:F1} s"),
            cancellation: cancellation);
        console.MarkupLine($"Held-out exact match: [bold]{report.Before.Accuracy:P1} → {report.After.Accuracy:P1}[/] " +
            $"({report.Before.Correct} → {report.After.Correct} of {report.After.Total}); pre-training {report.PretrainSeconds:F1} s, " +
            $"GRPO {report.GrpoSeconds:F1} s");
        if (o.Output is { } path)
        {
            ModuleWeights.Save(report.Model, path, Metadata(s, report));
            console.MarkupLine($"Saved weights to [bold]{Markup.Escape(path)}[/]");
        }
        return SwarmApp.Success;
    }

    /// <summary>What `swarm generate` needs to rebuild the model, plus the run's facts.</summary>
    private static Dictionary<string, string> Metadata(ArithmeticGrpoSettings s, ArithmeticGrpoReport report) => new()
    {
        ["preset"] = Preset, ["tokenizer"] = "byte", ["task"] = $"arithmetic-{s.Digits}", ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
        ["vocab_size"] = I(s.Model.VocabSize), ["block_size"] = I(s.Model.BlockSize), ["n_layer"] = I(s.Model.Layers), ["n_head"] = I(s.Model.Heads),
        ["n_embd"] = I(s.Model.Channels),
        ["exact_match_before"] = report.Before.Accuracy.ToString("F4", CultureInfo.InvariantCulture),
        ["exact_match_after"] = report.After.Accuracy.ToString("F4", CultureInfo.InvariantCulture),
    };

    private static string I(int v) => v.ToString(CultureInfo.InvariantCulture);
}
