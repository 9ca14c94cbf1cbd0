using System.CommandLine;
using System.Text.Json;
using TrainSwarm.Bench;
using TrainSwarm.Tensors;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>
/// `swarm bench rl`: our vectorized CartPole's steps per second beside a NumPy implementation of the same equations, the largest
/// state difference between the two on the same trajectories, and PPO's environment steps to solved per seed, with the RL Zoo anchor.
/// </summary>
public static class RlCommand
{
    // DLR-RM/rl-baselines3-zoo, benchmark.md: ppo CartPole-v1, mean reward 500.000 ± 0.000 after n_timesteps 100k.
    private const string Anchor = "rl-baselines3-zoo benchmark.md: PPO CartPole-v1 mean reward 500.000, std 0.000, after 1e5 steps";

    /// <summary>Builds the `bench rl` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var envs = new Option<int[]>("--envs") { Description = "Environment counts to measure", DefaultValueFactory = _ => [8, 1024],
            AllowMultipleArgumentsPerToken = true };
        envs.Validators.Add(r => { if (r.GetValueOrDefault<int[]>() is { } v && v.Any(n => n < 1)) r.AddError("--envs must be at least 1"); });
        var envSteps = new Option<long>("--env-steps") { Description = "Environment steps timed per count", DefaultValueFactory = _ => 2_000_000 };
        envSteps.Validators.Add(r => { if (r.GetValueOrDefault<long>() < 1) r.AddError("--env-steps must be at least 1"); });
        var seeds = new Option<ulong[]>("--seeds") { Description = "PPO seeds", DefaultValueFactory = _ => [0, 1, 2], AllowMultipleArgumentsPerToken = true };
        var timesteps = new Option<long>("--timesteps") { Description = "PPO budget in environment steps", DefaultValueFactory = _ => 100_000 };
        timesteps.Validators.Add(r => { if (r.GetValueOrDefault<long>() < 1) r.AddError("--timesteps must be at least 1"); });
        var threads = CommonOptions.Positive("--threads", "Compute threads", 2);
        var noNumPy = new Option<bool>("--no-numpy") { Description = "Skip the NumPy reference (tools/bench/cartpole_numpy.py)" };
        var fedAvgNodes = new Option<int>("--fedavg-nodes")
        {
            Description = "Also simulate a swarm job in this process: N nodes × 16 rollouts per round (cartpole-ppo), FedAvg (0 skips)",
            DefaultValueFactory = _ => 3,
        };
        var swarmNodes = new Option<int>("--swarm-nodes")
        {
            Description = "Also run the cartpole-ppo job on a real devnet of N nodes and print its wall time against one process (0 skips)",
            DefaultValueFactory = _ => 3,
        };
        swarmNodes.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 16) r.AddError("--swarm-nodes must be 0 to 16"); });
        var python = new Option<string>("--python") { Description = "Interpreter with NumPy", DefaultValueFactory = _ => PyTorchReference.DefaultPython };
        var command = new Command("rl", "CartPole env steps/s beside NumPy, and PPO steps to solved.\nExample: swarm bench rl --envs 8 1024 --seeds 0 1 2")
        {
            envs, envSteps, seeds, timesteps, threads, noNumPy, fedAvgNodes, swarmNodes, python,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            Engine.Threads = parse.GetValue(threads);
            var counts = parse.GetValue(envs)!;
            long steps = parse.GetValue(envSteps);
            string? script = null;
            if (!parse.GetValue(noNumPy))
                script = NumPyCartPole.FindScript()
                    ?? throw new CliException("tools/bench/cartpole_numpy.py not found (run from the checkout, or pass --no-numpy)");
            string py = parse.GetValue(python)!;

            var numpy = script is null ? [] : await NumPyCartPole.ThroughputAsync(py, script, counts, steps, cancellation);
            foreach (int n in counts)
            {
                var ours = RlBenchmark.MeasureCartPole(n, steps);
                var line = new Dictionary<string, object>
                {
                    ["figure"] = "cartpole_env_steps_per_s", ["n_envs"] = n, ["env_steps"] = ours.EnvSteps,
                    ["trainswarm"] = Math.Round(ours.StepsPerSecond, 1),
                };
                if (numpy.FirstOrDefault(j => j.GetProperty("n_envs").GetInt32() == n) is { ValueKind: JsonValueKind.Object } theirs)
                {
                    double rate = theirs.GetProperty("env_steps_per_s").GetDouble();
                    line["numpy"] = rate;
                    line["ratio_vs_numpy"] = Math.Round(ours.StepsPerSecond / rate, 2);
                }
                Write(line);
            }
            if (script is not null)
            {
                const int trajectoryEnvs = 64, trajectorySteps = 200;
                double diff = await NumPyCartPole.MaxStateDifferenceAsync(py, script, trajectoryEnvs, trajectorySteps, seed: 7, cancellation);
                Write(new Dictionary<string, object>
                {
                    ["figure"] = "cartpole_max_state_diff_vs_numpy", ["n_envs"] = trajectoryEnvs, ["steps"] = trajectorySteps, ["max_abs_diff"] = diff,
                });
            }

            long budget = parse.GetValue(timesteps);
            var solved = new List<long>();
            foreach (ulong seed in parse.GetValue(seeds)!)
            {
                var r = RlBenchmark.PpoToSolved(seed, budget);
                if (r.SolvedAtTimesteps is { } at) solved.Add(at);
                Write(new Dictionary<string, object?>
                {
                    ["figure"] = "ppo_cartpole_env_steps_to_solved", ["seed"] = seed, ["solved_at_env_steps"] = r.SolvedAtTimesteps,
                    ["eval_mean_return"] = r.FinalMeanReturn, ["eval_episodes"] = 100, ["episodes"] = r.Episodes, ["gradient_steps"] = r.GradientSteps,
                    ["wall_s"] = Math.Round(r.Elapsed.TotalSeconds, 2), ["budget_env_steps"] = budget, ["threads"] = Engine.Threads,
                });
            }
            if (parse.GetValue(fedAvgNodes) is var nodes and > 0)
            {
                var f = RlBenchmark.FedAvgToSolved(nodes, rollouts: 16, maxRounds: 20, seed: 0);
                Write(new Dictionary<string, object?>
                {
                    ["figure"] = "ppo_cartpole_fedavg_in_process", ["nodes"] = nodes, ["rollouts_per_node_round"] = 16, ["solved"] = f.Solved,
                    ["rounds"] = f.Rounds, ["env_steps_all_nodes"] = f.EnvSteps, ["eval_mean_return"] = f.MeanReturn,
                    ["parallel_wall_s"] = Math.Round(f.ParallelSeconds, 2),
                    ["note"] = "simulation: nodes trained in turn in one process, no network or validator; wall = sum over rounds of the slowest node",
                });
            }
            if (parse.GetValue(swarmNodes) is var swarm and > 0)
                Write(await SwarmAgainstOneProcessAsync(swarm, budget, cancellation));
            Write(new Dictionary<string, object?>
            {
                ["figure"] = "ppo_cartpole_anchor", ["anchor"] = Anchor, ["anchor_env_steps"] = 100_000, ["seeds"] = parse.GetValue(seeds)!.Length,
                ["seeds_solved"] = solved.Count, ["max_env_steps_to_solved"] = solved.Count > 0 ? solved.Max() : null,
            });
            return SwarmApp.Success;
        });
        return command;

        void Write(object line) => CommonOptions.WriteLine(console, JsonSerializer.Serialize(line));
    }

    /// <summary>
    /// The swarm's wall time to solved over one process's, side by side in this run: the devnet's job from submission to the round that
    /// reached the target (network started, daemons registered and warmed up before the clock starts), and seed 0 in this process after
    /// the same warm-up (<see cref="RlWarmup"/>), with environment steps to solved for both and the RL Zoo anchor's budget.
    /// </summary>
    private static async Task<Dictionary<string, object?>> SwarmAgainstOneProcessAsync(int nodes, long budget, CancellationToken cancellation)
    {
        RlWarmup.Run(cancellation);
        var one = RlBenchmark.PpoToSolved(0, budget);
        var swarm = await RlSwarmRun.RunAsync(nodes, maxRounds: 20, cancellation);
        double oneSeconds = one.Elapsed.TotalSeconds;
        return new Dictionary<string, object?>
        {
            ["figure"] = "ppo_cartpole_swarm_vs_one_process", ["nodes"] = nodes, ["swarm_solved"] = swarm.Solved,
            ["swarm_wall_s"] = Math.Round(swarm.WallSeconds, 2),
            ["one_process_wall_s"] = Math.Round(oneSeconds, 2), ["ratio"] = Math.Round(swarm.WallSeconds / oneSeconds, 2), ["goal_ratio"] = 1.5,
            ["swarm_rounds"] = swarm.Rounds, ["swarm_env_steps_all_nodes"] = swarm.EnvSteps, ["swarm_env_steps_per_node"] = swarm.EnvStepsPerNode,
            ["swarm_mean_return"] = swarm.MeanReturn, ["one_process_env_steps_to_solved"] = one.SolvedAtTimesteps,
            ["one_process_mean_return"] = one.FinalMeanReturn, ["anchor_env_steps"] = 100_000, ["anchor"] = Anchor,
            ["swarm_join_s"] = Math.Round(swarm.JoinSeconds, 2), ["swarm_train_s"] = Math.Round(swarm.TrainSeconds, 2),
            ["swarm_validate_s"] = Math.Round(swarm.ValidateSeconds, 2), ["swarm_round_s"] = swarm.RoundSeconds, ["cores"] = Environment.ProcessorCount,
            ["definition"] = "swarm: job submitted -> target round done on a running devnet; one process: PPO seed 0 to the first eval >= 475, both warmed up",
        };
    }
}
