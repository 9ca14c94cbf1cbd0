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

    /// <summary>PPO with RL Zoo's CartPole-v1 settings from <paramref name="seed"/> until solved or out of budget.</summary>
    public static PpoResult PpoToSolved(ulong seed, long timesteps) =>
        new PpoTrainer(new CartPole(), new PpoConfig { TotalTimesteps = timesteps }, seed).Train();
}

/// <summary>One throughput figure: environments, steps timed, seconds, steps per second.</summary>
public readonly record struct EnvThroughput(int Envs, long EnvSteps, double Seconds, double StepsPerSecond);
