namespace TrainSwarm.Learning.Rl;

/// <summary>
/// PPO hyperparameters. The defaults are RL Baselines3 Zoo's tuned CartPole-v1 entry (rl-baselines3-zoo, hyperparams/ppo.yml):
/// n_envs 8, n_timesteps 1e5, policy MlpPolicy, n_steps 32, batch_size 256, gae_lambda 0.8, gamma 0.98, n_epochs 20, ent_coef 0.0,
/// learning_rate lin_1e-3, clip_range lin_0.2; everything the entry leaves out takes Stable-Baselines3's PPO default (vf_coef 0.5,
/// max_grad_norm 0.5, normalize_advantage true, net_arch pi [64, 64] / vf [64, 64] with tanh, Adam with eps 1e-5).
/// </summary>
public sealed record PpoConfig
{
    /// <summary>Environments stepped together (n_envs).</summary>
    public int Envs { get; init; } = 8;

    /// <summary>Steps per environment per rollout (n_steps); a rollout holds Envs × Steps transitions.</summary>
    public int Steps { get; init; } = 32;

    /// <summary>Transitions per minibatch (batch_size).</summary>
    public int BatchSize { get; init; } = 256;

    /// <summary>Passes over each rollout (n_epochs).</summary>
    public int Epochs { get; init; } = 20;

    /// <summary>Discount (gamma).</summary>
    public float Gamma { get; init; } = 0.98f;

    /// <summary>GAE's λ (gae_lambda).</summary>
    public float GaeLambda { get; init; } = 0.8f;

    /// <summary>Initial learning rate; with <see cref="LinearSchedule"/> it decays linearly to 0 over the budget (lin_1e-3).</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Initial clip range of the surrogate objective; decays like the learning rate (lin_0.2).</summary>
    public float ClipRange { get; init; } = 0.2f;

    /// <summary>Whether learning rate and clip range decay linearly with the fraction of the budget left.</summary>
    public bool LinearSchedule { get; init; } = true;

    /// <summary>Entropy bonus coefficient (ent_coef).</summary>
    public float EntropyCoef { get; init; }

    /// <summary>Value loss coefficient (vf_coef).</summary>
    public float ValueCoef { get; init; } = 0.5f;

    /// <summary>Gradients are clipped to this global 2-norm (max_grad_norm).</summary>
    public float MaxGradNorm { get; init; } = 0.5f;

    /// <summary>Whether advantages are normalized per minibatch (normalize_advantage).</summary>
    public bool NormalizeAdvantage { get; init; } = true;

    /// <summary>Adam's epsilon; Stable-Baselines3 sets 1e-5 for PPO.</summary>
    public float AdamEps { get; init; } = 1e-5f;

    /// <summary>Hidden layer widths of both the policy and the value network.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [64, 64];

    /// <summary>Environment steps to train for (n_timesteps).</summary>
    public long TotalTimesteps { get; init; } = 100_000;

    /// <summary>Rollouts between evaluations; 0 turns evaluation during training off.</summary>
    public int EvalEvery { get; init; } = 4;

    /// <summary>Episodes per evaluation (Gymnasium's CartPole-v1 is "solved" at a mean of 475 over 100).</summary>
    public int EvalEpisodes { get; init; } = 100;

    /// <summary>Seed of the first evaluation episode; episode i uses EvalSeed + i.</summary>
    public ulong EvalSeed { get; init; } = 1_000_000;

    /// <summary>Mean evaluation return that counts as solved.</summary>
    public double TargetReturn { get; init; } = 475;

    /// <summary>Whether training stops at the first evaluation that reaches <see cref="TargetReturn"/>.</summary>
    public bool StopAtTarget { get; init; } = true;

    /// <summary>Transitions per rollout.</summary>
    public int RolloutSize => Envs * Steps;

    /// <summary>Throws if a value is out of range.</summary>
    public void Validate()
    {
        if (Envs < 1 || Steps < 1 || BatchSize < 1 || Epochs < 1) throw new ArgumentException("envs, steps, batch size and epochs must be positive");
        if (RolloutSize < 2) throw new ArgumentException("a rollout needs at least 2 transitions");
        if (Gamma is < 0 or > 1 || GaeLambda is < 0 or > 1) throw new ArgumentException("gamma and gae_lambda must be in [0, 1]");
        if (!(LearningRate > 0) || !(ClipRange > 0) || !(MaxGradNorm > 0))
            throw new ArgumentException("learning rate, clip range and max_grad_norm must be positive");
        if (TotalTimesteps < 1 || EvalEvery < 0 || EvalEpisodes < 1) throw new ArgumentException("timesteps and eval episodes must be positive");
        if (Hidden.Count == 0 || Hidden.Any(h => h < 1)) throw new ArgumentException("hidden widths must be positive");
    }
}
