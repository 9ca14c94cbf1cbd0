using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using TrainSwarm.Learning.Grpo;
using TrainSwarm.Tensors;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>
/// `swarm bench grpo`: the `grpo` preset in one process (pre-training, then GRPO rounds); one JSON line per round (rewards and
/// held-out exact match after it) and one for the run (exact match before and after, wall times).
/// </summary>
public static class GrpoCommand
{
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var preset = ArithmeticGrpoSettings.Preset();
        var seed = new Option<ulong>("--seed") { Description = "Seed for initialization, prompts and sampling", DefaultValueFactory = _ => 0 };
        var rounds = CommonOptions.Positive("--rounds", "GRPO rounds", preset.Rounds);
        var steps = CommonOptions.Positive("--steps", "GRPO steps per round", preset.Grpo.Steps);
        var pretrainSteps = CommonOptions.Positive("--pretrain-steps", "Supervised pre-training steps", preset.Pretrain.Steps);
        var threads = CommonOptions.Positive("--threads", "Compute threads", 2);
        var lr = new Option<double>("--lr") { Description = "GRPO learning rate", DefaultValueFactory = _ => preset.Grpo.Lr };
        lr.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() > 0)) r.AddError("--lr must be positive"); });
        var temperature = new Option<double>("--temperature") { Description = "GRPO sampling temperature", DefaultValueFactory = _ => preset.Grpo.Temperature };
        temperature.Validators.Add(r => { if (!(r.GetValueOrDefault<double>() > 0)) r.AddError("--temperature must be positive"); });
        var command = new Command("grpo", "GRPO on arithmetic: held-out exact match before and after, reward per round, wall time.\n" +
            "Example: swarm bench grpo --rounds 4 --steps 10")
        {
            seed, rounds, steps, pretrainSteps, threads, lr, temperature,
        };
        command.SetAction(parse =>
        {
            Engine.Threads = parse.GetValue(threads);
            var s = ArithmeticGrpoSettings.Preset(parse.GetValue(seed));
            s = s with
            {
                Rounds = parse.GetValue(rounds),
                Pretrain = s.Pretrain with { Steps = parse.GetValue(pretrainSteps) },
                Grpo = s.Grpo with { Steps = parse.GetValue(steps), Lr = parse.GetValue(lr), Temperature = parse.GetValue(temperature) },
            };
            var clock = Stopwatch.StartNew();
            var report = ArithmeticGrpo.Run(s, onRound: round => CommonOptions.WriteLine(console, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["figure"] = "grpo_round", ["round"] = round.Round, ["steps"] = round.Steps.Count,
                ["mean_reward"] = Math.Round(round.MeanReward, 4), ["sampled_exact"] = Math.Round(round.SampledExactRate, 4),
                ["reward_per_step"] = round.Steps.Select(x => Math.Round(x.MeanReward, 4)).ToArray(),
                ["heldout_exact_match"] = round.HeldOut.Accuracy, ["seconds"] = Math.Round(round.Seconds, 2),
            })));
            CommonOptions.WriteLine(console, JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["figure"] = "grpo_exact_match", ["digits"] = s.Digits, ["parameters"] = s.Model.ParameterCount, ["heldout_prompts"] = s.HeldOut,
                ["pretrain_steps"] = s.Pretrain.Steps, ["rounds"] = s.Rounds, ["steps_per_round"] = s.Grpo.Steps,
                ["prompts_per_step"] = s.Grpo.PromptsPerStep, ["group_size"] = s.Grpo.GroupSize, ["lr"] = s.Grpo.Lr,
                ["temperature"] = s.Grpo.Temperature, ["seed"] = s.Seed,
                ["threads"] = Engine.Threads, ["before"] = report.Before.Accuracy, ["after"] = report.After.Accuracy,
                ["pretrain_seconds"] = Math.Round(report.PretrainSeconds, 2), ["grpo_seconds"] = Math.Round(report.GrpoSeconds, 2),
                ["wall_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 2),
            }));
            return SwarmApp.Success;
        });
        return command;
    }
}
