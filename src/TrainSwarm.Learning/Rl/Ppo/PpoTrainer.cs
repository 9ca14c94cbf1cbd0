using System.Diagnostics;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Rl;

/// <summary>
/// The PPO loop, as SB3's OnPolicyAlgorithm.learn: collect a rollout, set learning rate and clip range from the budget left
/// (1 - timesteps / total, counted after the rollout), update, and every few rollouts evaluate the deterministic policy; stops at
/// the budget or, if asked, at the first evaluation that reaches the target return. Everything is drawn from generators seeded by
/// the one seed, so a seed gives the same run bitwise on any thread count.
/// </summary>
public sealed class PpoTrainer
{
    private readonly PpoConfig _config;
    private readonly VectorEnv _env;
    private readonly RolloutBuffer _buffer;
    private readonly RolloutCollector _collector;
    private readonly PpoUpdate _update;

    /// <summary>
    /// Sets up training on <paramref name="environment"/>. The model is initialized from <paramref name="seed"/> unless
    /// <paramref name="model"/> is given (a global policy to continue from). <paramref name="startTimesteps"/> counts steps
    /// already spent on the budget (earlier swarm rounds), so the schedules go on where they were.
    /// </summary>
    public PpoTrainer(IEnvironment environment, PpoConfig config, ulong seed, ActorCritic? model = null, long startTimesteps = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(startTimesteps);
        config.Validate();
        _config = config;
        Environment = environment;
        Seed = seed;
        Model = model ?? new ActorCritic(environment.ObservationSize, environment.ActionCount, config.Hidden, new Rng(seed));
        _env = new VectorEnv(environment, config.Envs, seed);
        _buffer = new RolloutBuffer(config.Steps, config.Envs, environment.ObservationSize);
        _collector = new RolloutCollector(_env, Model, _buffer, config.Gamma, config.GaeLambda, new Rng(seed ^ 0x5A17_AC71_0000_0001UL));
        _update = new PpoUpdate(Model, config, new Rng(seed ^ 0x5A17_AC71_0000_0002UL));
        StartTimesteps = Timesteps = startTimesteps;
    }

    /// <summary>Steps of the budget spent before this trainer started.</summary>
    public long StartTimesteps { get; }

    public IEnvironment Environment { get; }
    public ulong Seed { get; }

    /// <summary>The policy and value networks being trained.</summary>
    public ActorCritic Model { get; }

    /// <summary>Environment steps taken so far.</summary>
    public long Timesteps { get; private set; }

    /// <summary>The loss of every minibatch step so far, in order.</summary>
    public List<float> LossCurve { get; } = [];

    /// <summary>
    /// Trains until the budget is spent, the target is reached or <paramref name="maxRollouts"/> rollouts are done;
    /// <paramref name="onRollout"/> sees each rollout's figures.
    /// </summary>
    public PpoResult Train(Action<PpoProgress>? onRollout = null, CancellationToken cancellation = default, int? maxRollouts = null)
    {
        var clock = Stopwatch.StartNew();
        int rollouts = 0;
        long? solvedAt = null;
        EvalResult? lastEval = null;
        var evals = new List<(long Timesteps, double MeanReturn)>();
        while (Timesteps < _config.TotalTimesteps && rollouts < (maxRollouts ?? int.MaxValue))
        {
            cancellation.ThrowIfCancellationRequested();
            var rollout = _collector.Collect();
            Timesteps += rollout.Transitions;
            rollouts++;
            float remaining = _config.LinearSchedule ? 1f - (float)((double)Timesteps / _config.TotalTimesteps) : 1f;
            var update = _update.Run(_buffer, _config.LearningRate * remaining, _config.ClipRange * remaining, LossCurve);

            EvalResult? eval = null;
            bool last = Timesteps >= _config.TotalTimesteps;
            if (_config.EvalEvery > 0 && (rollouts % _config.EvalEvery == 0 || last))
            {
                eval = PolicyEvaluator.Evaluate(Model, Environment, _config.EvalEpisodes, _config.EvalSeed);
                lastEval = eval;
                evals.Add((Timesteps, eval.MeanReturn));
                if (solvedAt is null && eval.MeanReturn >= _config.TargetReturn) solvedAt = Timesteps;
            }
            onRollout?.Invoke(new PpoProgress(rollouts, Timesteps, _env.EpisodesFinished, rollout.MeanEpisodeReturn, update, eval?.MeanReturn,
                clock.Elapsed));
            if (solvedAt is not null && _config.StopAtTarget) break;
        }
        return new PpoResult(Timesteps - StartTimesteps, _env.EpisodesFinished, rollouts, _update.GradientSteps, solvedAt, lastEval?.MeanReturn, evals,
            clock.Elapsed);
    }
}

/// <summary>Figures after one rollout and its update; <see cref="EvalMeanReturn"/> is set when this rollout was followed by an evaluation.</summary>
public readonly record struct PpoProgress(int Rollout, long Timesteps, long Episodes, double RolloutMeanReturn, UpdateStats Update,
    double? EvalMeanReturn, TimeSpan Elapsed);

/// <summary>
/// Totals of a PPO run: steps, episodes, rollouts and gradient steps; the timesteps at the first evaluation that reached the target
/// (null if none did); the last evaluation's mean return; every evaluation; the wall time.
/// </summary>
public sealed record PpoResult(long Timesteps, long Episodes, int Rollouts, int GradientSteps, long? SolvedAtTimesteps, double? FinalMeanReturn,
    IReadOnlyList<(long Timesteps, double MeanReturn)> Evaluations, TimeSpan Elapsed);
