using System.Diagnostics;
using TrainSwarm.Learning.Rl;
using TrainSwarm.Tensors;

namespace TrainSwarm.Bench;

/// <summary>The measurements behind `swarm bench rl`: vectorized CartPole throughput, a trajectory for the NumPy comparison, PPO to solved.</summary>
public static class RlBenchmark
{
    /// <summary>
    /// Environment steps per second of <see cref="VectorEnv"/> with <paramref name="envs"/> CartPoles, auto-reset included, on actions
    /// drawn beforehand (as the NumPy reference does) so the figure is the environment's alone. One untimed warm-up pass first.
    /// </summary>
    public static EnvThroughput MeasureCartPole(int envs, long envSteps, ulong seed = 0)
    {
        int steps = (int)Math.Max(1, envSteps / envs);
        var rng = new Rng(seed);
        var actions = new int[steps * envs];
        for (int i = 0; i < actions.Length; i++) actions[i] = (int)(rng.NextUInt64() >> 63);
        var env = new VectorEnv(new CartPole(), envs, seed);
        Run(env, actions, Math.Min(steps, 1000), envs);
        var clock = Stopwatch.StartNew();
        Run(env, actions, steps, envs);
        double seconds = clock.Elapsed.TotalSeconds;
        return new EnvThroughput(envs, (long)steps * envs, seconds, steps * (double)envs / seconds);
    }

    private static void Run(VectorEnv env, int[] actions, int steps, int envs)
    {
        for (int t = 0; t < steps; t++) env.Step(actions.AsSpan(t * envs, envs));
    }

    /// <summary>
    /// Initial states (N, 4) and actions (T, N) from <paramref name="seed"/>, and the states our CartPole reaches after each step
    /// (T, N, 4), stepping on without resets so that both implementations integrate exactly the same trajectories.
    /// </summary>
    public static (double[] Initial, byte[] Actions, double[] States) CartPoleTrajectory(int envs, int steps, ulong seed)
    {
        var env = new CartPole();
        var rng = new Rng(seed);
        var initial = new double[envs * 4];
        for (int i = 0; i < envs; i++) env.Reset(initial.AsSpan(i * 4, 4), rng);
        var actions = new byte[steps * envs];
        for (int i = 0; i < actions.Length; i++) actions[i] = (byte)(rng.NextUInt64() >> 63);
        var state = (double[])initial.Clone();
        var states = new double[steps * envs * 4];
        for (int t = 0; t < steps; t++)
            for (int i = 0; i < envs; i++)
            {
                env.Step(state.AsSpan(i * 4, 4), actions[t * envs + i], out _);
                state.AsSpan(i * 4, 4).CopyTo(states.AsSpan((t * envs + i) * 4, 4));
            }
        return (initial, actions, states);
    }

    /// <summary>
    /// An in-process simulation of an RL swarm job (no network, no validator): each round <paramref name="nodes"/> nodes train
    /// <paramref name="rollouts"/> rollouts from the global policy with their own seeds (one after another here), the mean of their
    /// deltas is applied (FedAvg), and the global is evaluated on 100 episodes; stops at a mean return of 475 or after
    /// <paramref name="maxRounds"/>. The parallel wall time is the sum over rounds of the slowest node's training time.
    /// </summary>
    public static FedAvgRun FedAvgToSolved(int nodes, int rollouts, int maxRounds, ulong seed)
    {
        var spec = new RlRoundSpec(CartPole.Id, new PpoConfig(), rollouts, CommitEvery: rollouts);
        var env = new CartPole();
        var global = RlRoundTrainer.InitialPolicy(CartPole.Id, spec.Ppo, seed);
        long steps = 0;
        double parallelSeconds = 0, mean = 0;
        for (int round = 1; round <= maxRounds; round++)
        {
            var results = new List<RlRoundResult>();
            for (int node = 0; node < nodes; node++)
                results.Add(RlRoundTrainer.Train(global, spec, seed * 1_000_003 + (ulong)(round * nodes + node), steps / nodes));
            steps += results.Sum(r => r.EnvSteps);
            parallelSeconds += results.Max(r => r.ComputeSeconds);
            var model = RlRoundTrainer.LoadPolicy(global, env, spec.Ppo);
            foreach (var (name, p) in model.NamedParameters())
            {
                var sum = new float[p.Length];
                foreach (var r in results) System.Numerics.Tensors.TensorPrimitives.Add(sum, r.Delta.Single(d => d.Name == name).AsF32(), sum);
                for (int i = 0; i < sum.Length; i++) p.Span[i] += sum[i] / nodes;
            }
            global = Nn.Serialization.ModuleWeights.ToBytes(model);
            mean = PolicyEvaluator.Evaluate(model, env, 100, spec.Ppo.EvalSeed).MeanReturn;
            if (mean >= spec.Ppo.TargetReturn) return new FedAvgRun(round, steps, mean, parallelSeconds, true);
        }
        return new FedAvgRun(maxRounds, steps, mean, parallelSeconds, false);
    }

    /// <summary>PPO with RL Zoo's CartPole-v1 settings from <paramref name="seed"/> until solved or out of budget.</summary>
    public static PpoResult PpoToSolved(ulong seed, long timesteps) =>
        new PpoTrainer(new CartPole(), new PpoConfig { TotalTimesteps = timesteps }, seed).Train();
}

/// <summary>Rounds and environment steps (all nodes) an in-process FedAvg run took, its last mean return, and its parallel wall time.</summary>
public readonly record struct FedAvgRun(int Rounds, long EnvSteps, double MeanReturn, double ParallelSeconds, bool Solved);

/// <summary>One throughput figure: environments, steps timed, seconds, steps per second.</summary>
public readonly record struct EnvThroughput(int Envs, long EnvSteps, double Seconds, double StepsPerSecond);
