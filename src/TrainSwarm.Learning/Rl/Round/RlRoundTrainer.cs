using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Learning.Rl;

/// <summary>
/// The settings an RL round depends on: the environment, the PPO hyperparameters (their TotalTimesteps is the job's whole budget,
/// which the schedules decay over), the rollouts each node collects per round and how often it commits to its weights.
/// </summary>
public sealed record RlRoundSpec(string Environment, PpoConfig Ppo, int Rollouts, int CommitEvery);

/// <summary>
/// What a node's RL round produced: weights, delta from the base, and the facts its receipt states (environment steps, episodes,
/// the mean return of the episodes that ended in its rollouts, the loss of every minibatch step, weight commitments by rollout).
/// </summary>
public sealed record RlRoundResult(
    IReadOnlyList<NamedArray> Weights, IReadOnlyList<NamedArray> Delta, IReadOnlyList<float> LossCurve, int Rollouts, long EnvSteps,
    long Episodes, double MeanEpisodeReturn, double ComputeSeconds, IReadOnlyList<WeightCommitment> Commitments);

/// <summary>
/// A node's work in one RL round: PPO from the global policy for a number of rollouts, its environments and action sampling seeded
/// by the round seed. The result is fixed by (base weights, spec, seed, steps before), so a validator replaying a prefix gets
/// bitwise the same commitments on any thread count. Optimizer state starts fresh each round, as the supervised rounds do.
/// </summary>
public static class RlRoundTrainer
{
    /// <summary>
    /// Trains <paramref name="spec"/>.Rollouts rollouts (or only <paramref name="stopAfter"/>, a replay) from <paramref name="baseWeights"/>
    /// (safetensors bytes of an <see cref="ActorCritic"/>); <paramref name="timestepsBefore"/> is the job's steps in earlier rounds.
    /// </summary>
    public static RlRoundResult Train(byte[] baseWeights, RlRoundSpec spec, ulong seed, long timestepsBefore, int? stopAfter = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(baseWeights);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.Rollouts);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.CommitEvery);
        int rollouts = Math.Min(spec.Rollouts, stopAfter ?? int.MaxValue);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rollouts, nameof(stopAfter));

        var env = Environments.Create(spec.Environment);
        var model = LoadPolicy(baseWeights, env, spec.Ppo);
        var before = ModuleWeights.Export(model);
        // Evaluation is the validator's job. Where the job's budget ends inside the round, the round stops there (Rollouts says so).
        var config = spec.Ppo with { EvalEvery = 0, StopAtTarget = false };
        var trainer = new PpoTrainer(env, config, seed, model, timestepsBefore);
        var commitments = new List<WeightCommitment>();
        long episodes = 0;
        double returnSum = 0;
        int counted = 0;
        var result = trainer.Train(p =>
        {
            if (!double.IsNaN(p.RolloutMeanReturn))
            {
                returnSum += p.RolloutMeanReturn;
                counted++;
            }
            episodes = p.Episodes;
            if (p.Rollout % spec.CommitEvery == 0 || p.Rollout == spec.Rollouts)
                commitments.Add(new WeightCommitment(p.Rollout, RoundTrainer.Hash(model)));
        }, cancellation, rollouts);
        var after = ModuleWeights.Export(model);
        return new RlRoundResult(after, DeltaCodec.Difference(after, before), trainer.LossCurve, result.Rollouts, result.Timesteps, episodes,
            counted > 0 ? returnSum / counted : double.NaN, result.Elapsed.TotalSeconds, commitments);
    }

    /// <summary>An <see cref="ActorCritic"/> for <paramref name="env"/> with <paramref name="weights"/> (safetensors bytes).</summary>
    public static ActorCritic LoadPolicy(byte[] weights, IEnvironment env, PpoConfig config)
    {
        // The initializer seed does not matter: every parameter is overwritten.
        var model = new ActorCritic(env.ObservationSize, env.ActionCount, config.Hidden, new Tensors.Rng(0));
        ModuleWeights.Import(model, SafeTensorsReader.Read(weights));
        return model;
    }

    /// <summary>The initial global policy of a job: SB3's initialization from <paramref name="seed"/>, as safetensors bytes.</summary>
    public static byte[] InitialPolicy(string environment, PpoConfig config, ulong seed)
    {
        var env = Environments.Create(environment);
        return ModuleWeights.ToBytes(new ActorCritic(env.ObservationSize, env.ActionCount, config.Hidden, new Tensors.Rng(seed)));
    }
}
