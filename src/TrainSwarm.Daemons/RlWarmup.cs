using System.Diagnostics;
using TrainSwarm.Learning.Rl;

namespace TrainSwarm.Daemons;

/// <summary>
/// Runs a daemon's rl code once on a throwaway policy at start-up, before it registers: two PPO rollouts of the cartpole preset (collect,
/// GAE, epochs, commitments, delta) and a short evaluation. The JIT compiles those paths then, while no round waits on them; measured on a
/// 3-node devnet, a cold process spent its first round's seconds compiling (training and validating round 0 took about twice as long as
/// round 1). Nothing it computes is kept or sent.
/// </summary>
public static class RlWarmup
{
    /// <summary>Runs the warm-up and returns how long it took.</summary>
    public static TimeSpan Run(CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var spec = new RlRoundSpec("CartPole-v1", new PpoConfig { EvalEvery = 0, StopAtTarget = false }, Rollouts: 2, CommitEvery: 1);
        var initial = RlRoundTrainer.InitialPolicy(spec.Environment, spec.Ppo, seed: 0);
        RlRoundTrainer.Train(initial, spec, seed: 0, timestepsBefore: 0, cancellation: cancellation);
        var env = Environments.Create(spec.Environment);
        PolicyEvaluator.Evaluate(RlRoundTrainer.LoadPolicy(initial, env, spec.Ppo), env, episodes: 8, seed: 0);
        return clock.Elapsed;
    }
}
