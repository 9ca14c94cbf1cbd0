using TrainSwarm.Learning.Rl;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Devnet;

/// <summary>The rl job `swarm devnet --preset cartpole` runs, and the check of its final policy on this machine.</summary>
public static class RlDemoJob
{
    /// <summary>The devnet's name for the preset (what `swarm train --preset cartpole` calls it too).</summary>
    public const string Preset = "cartpole";

    /// <summary>
    /// cartpole-ppo with its defaults (RL Zoo's PPO hyperparameters, 16 rollouts per node per round, 100 evaluation episodes,
    /// target 475) on up to <paramref name="nodes"/> nodes, FedAvg, at most <paramref name="rounds"/> rounds.
    /// </summary>
    public static JobSpec Spec(int rounds = 20, int nodes = 3, double targetReturn = 475) => new()
    {
        Name = "devnet cartpole", Kind = JobKinds.Rl, Rl = new RlJobSpec { TargetReturn = targetReturn }, Rounds = rounds, MinNodes = 1,
        MaxNodes = nodes, Strategy = "fedavg", OpenSeconds = 10, TrainSeconds = 600,
    };

    /// <summary>
    /// The mean return of the job's final policy (safetensors bytes) over the 100 episodes `swarm train --preset cartpole` evaluates
    /// on (seeds 1000000…), so the figure compares with the one-process run's.
    /// </summary>
    public static EvalResult Evaluate(JobSpec spec, byte[] policy)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var env = Environments.Create(spec.RlSettings.Environment);
        var config = new PpoConfig { Hidden = spec.RlSettings.Hidden };
        return PolicyEvaluator.Evaluate(RlRoundTrainer.LoadPolicy(policy, env, config), env, config.EvalEpisodes, config.EvalSeed);
    }
}
