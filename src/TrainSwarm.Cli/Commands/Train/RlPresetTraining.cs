using System.Globalization;
using Spectre.Console;
using TrainSwarm.Learning.Rl;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Cli.Commands.Train;

/// <summary>`swarm train --preset cartpole`: PPO on CartPole-v1 in this process, with RL Baselines3 Zoo's settings.</summary>
internal static class RlPresetTraining
{
    /// <summary>Presets `--preset` accepts.</summary>
    public static readonly string[] Presets = ["cartpole"];

    /// <summary>Trains, printing each evaluation, and reports the final mean return; saves the weights to <paramref name="output"/> if given.</summary>
    public static int Run(IAnsiConsole console, string preset, ulong seed, long timesteps, string? output, CancellationToken cancellation)
    {
        if (preset != "cartpole") throw new CliException($"unknown preset '{preset}'", SwarmApp.BadUsage);
        var env = new CartPole();
        var config = new PpoConfig { TotalTimesteps = timesteps };
        var trainer = new PpoTrainer(env, config, seed);
        console.MarkupLine($"Training PPO on [bold]{env.Name}[/] ({trainer.Model.ParameterCount:N0} parameters), seed {seed}: {config.Envs} envs × " +
            $"{config.Steps} steps per rollout, {config.Epochs} epochs, batch {config.BatchSize}, budget {config.TotalTimesteps:N0} steps " +
            $"(RL Zoo hyperparams/ppo.yml), {Engine.Threads} thread(s)");
        var result = trainer.Train(p =>
        {
            if (p.EvalMeanReturn is not { } r) return;
            console.MarkupLine($"  {p.Timesteps,7:N0} steps  {p.Episodes,5:N0} episodes  rollout return {Format(p.RolloutMeanReturn),6}  " +
                $"eval return {r,6:F1}  loss {p.Update.PolicyLoss + config.ValueCoef * p.Update.ValueLoss,8:F4}  {p.Elapsed.TotalSeconds,5:F1} s");
        }, cancellation);
        console.MarkupLine(result.SolvedAtTimesteps is { } at
            ? $"Solved (mean return ≥ {config.TargetReturn}) at [bold]{at:N0}[/] environment steps in {result.Elapsed.TotalSeconds:F1} s"
            : $"Not solved within {result.Timesteps:N0} environment steps ({result.Elapsed.TotalSeconds:F1} s)");
        console.MarkupLine($"Mean return: [bold]{result.FinalMeanReturn ?? double.NaN:F1}[/] over {config.EvalEpisodes} evaluation episodes " +
            $"(seeds {config.EvalSeed}..{config.EvalSeed + (ulong)config.EvalEpisodes - 1})");
        if (output is not null)
        {
            ModuleWeights.Save(trainer.Model, output, new Dictionary<string, string>
            {
                ["preset"] = preset, ["environment"] = env.Name, ["seed"] = seed.ToString(CultureInfo.InvariantCulture),
                ["mean_return"] = (result.FinalMeanReturn ?? double.NaN).ToString("F1", CultureInfo.InvariantCulture),
            });
            console.MarkupLine($"Saved weights to [bold]{Markup.Escape(output)}[/]");
        }
        return SwarmApp.Success;
    }

    private static string Format(double value) => double.IsNaN(value) ? "-" : value.ToString("F1", CultureInfo.InvariantCulture);
}
