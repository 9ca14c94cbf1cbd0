namespace TrainSwarm.Protocol.Wire;

/// <summary>The kinds of job a spec can ask for; the kind decides what a node trains and what a validator measures.</summary>
public static class JobKinds
{
    /// <summary>Image classification (the kind of every spec without a <c>kind</c>, so stored specs keep their bytes).</summary>
    public const string Image = "image";

    /// <summary>Reinforcement learning: nodes collect experience in an environment and train PPO; scored by evaluation returns.</summary>
    public const string Rl = "rl";

    /// <summary>Language-model pre-training: nodes train a GPT on text for H steps; scored by held-out loss.</summary>
    public const string Lm = "lm";

    /// <summary>GRPO fine-tuning with verifiable rewards: nodes run GRPO steps on arithmetic prompts; scored by held-out exact match.</summary>
    public const string Grpo = "grpo";

    /// <summary>The values <see cref="JobSpec.Kind"/> may take (null is <see cref="Image"/>).</summary>
    public static readonly IReadOnlyList<string> All = [Image, Rl, Lm, Grpo];
}

/// <summary>
/// What an <c>rl</c> job trains: the preset, the environment, PPO's hyperparameters, the work of one round and the target.
/// The PPO defaults repeat <c>TrainSwarm.Learning.Rl.PpoConfig</c>'s (RL Baselines3 Zoo's CartPole-v1 entry); Protocol cannot
/// reference the engine, so a test checks the two agree.
/// </summary>
public sealed record RlJobSpec
{
    /// <summary>The only preset so far: PPO on CartPole-v1.</summary>
    public const string CartPolePpo = "cartpole-ppo";

    /// <summary>The preset the settings start from.</summary>
    public string Preset { get; init; } = CartPolePpo;

    /// <summary>The environment's id, as the engine names it (Gymnasium's).</summary>
    public string Environment { get; init; } = "CartPole-v1";

    /// <summary>Environments each node steps together (n_envs).</summary>
    public int Envs { get; init; } = 8;

    /// <summary>Steps per environment per rollout (n_steps).</summary>
    public int Steps { get; init; } = 32;

    /// <summary>Transitions per PPO minibatch (batch_size).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Passes over each rollout (n_epochs).</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Discount γ.</summary>
    public double Gamma { get; init; } = 0.98;

    /// <summary>GAE's λ.</summary>
    public double GaeLambda { get; init; } = 0.8;

    /// <summary>Initial Adam learning rate (decays linearly over <see cref="ScheduleTimesteps"/> when <see cref="LinearSchedule"/>).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Initial clip range of the surrogate objective.</summary>
    public double ClipRange { get; init; } = 0.2;

    /// <summary>Whether learning rate and clip range decay linearly with the share of <see cref="ScheduleTimesteps"/> a node has left.</summary>
    public bool LinearSchedule { get; init; } = true;

    /// <summary>Entropy bonus coefficient.</summary>
    public double EntropyCoef { get; init; }

    /// <summary>Value loss coefficient.</summary>
    public double ValueCoef { get; init; } = 0.5;

    /// <summary>Global gradient-norm clip.</summary>
    public double MaxGradNorm { get; init; } = 0.5;

    /// <summary>Hidden widths of the policy and value MLPs.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [64, 64];

    /// <summary>
    /// Rollouts (PPO iterations) each node runs per round. Several per round let a node's delta carry real progress, so that an
    /// average of three is a step forward rather than noise; README "Reinforcement learning" has the measurements behind the default.
    /// </summary>
    public int RolloutsPerRound { get; init; } = 16;

    /// <summary>
    /// The horizon of the schedules, in one node's environment steps (the n_timesteps of one process). Round r starts a node at
    /// r × rollouts × transitions of it, so every node's schedule is where a single process would be after that many rounds.
    /// </summary>
    public long ScheduleTimesteps { get; init; } = 100_000;

    /// <summary>Evaluation episodes the validator runs per policy (Gymnasium's CartPole-v1 is solved at 475 over 100).</summary>
    public int EvalEpisodes { get; init; } = 100;

    /// <summary>Mean evaluation return of the aggregated global that ends the job as solved.</summary>
    public double TargetReturn { get; init; } = 475;

    /// <summary>Transitions in one rollout.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int RolloutSize => Envs * Steps;

    /// <summary>Environment steps one node's update takes: rollouts × transitions per rollout (what it is paid for).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long EnvStepsPerUpdate => (long)RolloutsPerRound * RolloutSize;

    /// <summary>The longest an episode of the environment runs (CartPole-v1 truncates at 500): bounds evaluation cost.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int MaxEpisodeSteps => 500;
}
