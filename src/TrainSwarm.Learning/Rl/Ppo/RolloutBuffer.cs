namespace TrainSwarm.Learning.Rl;

/// <summary>
/// One rollout of Steps × Envs transitions, stored step-major (index = step · Envs + env), and the advantages and returns that
/// GAE(λ) computes from it, as Stable-Baselines3's RolloutBuffer does (float32 throughout).
/// </summary>
public sealed class RolloutBuffer
{
    /// <summary>Allocates room for <paramref name="steps"/> steps of <paramref name="envs"/> environments.</summary>
    public RolloutBuffer(int steps, int envs, int observationSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(envs, 1);
        Steps = steps;
        Envs = envs;
        ObservationSize = observationSize;
        int n = steps * envs;
        Observations = new float[n * observationSize];
        Actions = new int[n];
        Rewards = new float[n];
        EpisodeStarts = new float[n];
        Values = new float[n];
        LogProbs = new float[n];
        Advantages = new float[n];
        Returns = new float[n];
    }

    public int Steps { get; }
    public int Envs { get; }
    public int ObservationSize { get; }

    /// <summary>Transitions the buffer holds when full.</summary>
    public int Size => Steps * Envs;

    /// <summary>Steps added since the last <see cref="Clear"/>.</summary>
    public int Position { get; private set; }

    public bool Full => Position == Steps;

    /// <summary>Observations the actions were chosen on, (Size, ObservationSize).</summary>
    public float[] Observations { get; }
    public int[] Actions { get; }

    /// <summary>Rewards, with γ·V(final observation) already added where an episode was truncated.</summary>
    public float[] Rewards { get; }

    /// <summary>1 where the observation is an episode's first (the previous step ended an episode), else 0.</summary>
    public float[] EpisodeStarts { get; }

    /// <summary>The value estimates at collection time.</summary>
    public float[] Values { get; }

    /// <summary>Log-probabilities of the actions at collection time.</summary>
    public float[] LogProbs { get; }
    public float[] Advantages { get; }

    /// <summary>Advantages + values: the value network's regression targets (TD(λ) returns).</summary>
    public float[] Returns { get; }

    /// <summary>Forgets the transitions (keeps the storage).</summary>
    public void Clear() => Position = 0;

    /// <summary>Appends one step of every environment.</summary>
    public void Add(ReadOnlySpan<float> observations, ReadOnlySpan<int> actions, ReadOnlySpan<float> rewards, ReadOnlySpan<bool> episodeStarts,
        ReadOnlySpan<float> values, ReadOnlySpan<float> logProbs)
    {
        if (Full) throw new InvalidOperationException("the rollout buffer is full");
        if (observations.Length != Envs * ObservationSize || actions.Length != Envs || rewards.Length != Envs || episodeStarts.Length != Envs ||
            values.Length != Envs || logProbs.Length != Envs)
            throw new ArgumentException("a step's arrays must hold one entry per environment");
        int at = Position * Envs;
        observations.CopyTo(Observations.AsSpan(at * ObservationSize));
        actions.CopyTo(Actions.AsSpan(at));
        rewards.CopyTo(Rewards.AsSpan(at));
        values.CopyTo(Values.AsSpan(at));
        logProbs.CopyTo(LogProbs.AsSpan(at));
        for (int e = 0; e < Envs; e++) EpisodeStarts[at + e] = episodeStarts[e] ? 1f : 0f;
        Position++;
    }

    /// <summary>
    /// GAE(λ) (Schulman et al. 2016) backwards over the rollout, as SB3's compute_returns_and_advantage:
    /// δ_t = r_t + γ·V_{t+1}·(1 - start_{t+1}) - V_t, A_t = δ_t + γλ·(1 - start_{t+1})·A_{t+1}, returns = A + V. After the last step,
    /// V_{t+1} is <paramref name="lastValues"/> and start_{t+1} is <paramref name="dones"/>. A truncated episode was already
    /// bootstrapped through its reward, so here every episode end cuts the sum.
    /// </summary>
    public void ComputeReturnsAndAdvantage(ReadOnlySpan<float> lastValues, ReadOnlySpan<bool> dones, float gamma, float lambda)
    {
        if (!Full) throw new InvalidOperationException($"GAE needs a full rollout; {Position} of {Steps} steps were added");
        if (lastValues.Length != Envs || dones.Length != Envs) throw new ArgumentException("one last value and one done flag per environment");
        for (int e = 0; e < Envs; e++)
        {
            float lastGaeLam = 0;
            for (int t = Steps - 1; t >= 0; t--)
            {
                int i = t * Envs + e;
                float nextNonTerminal, nextValue;
                if (t == Steps - 1)
                {
                    nextNonTerminal = 1f - (dones[e] ? 1f : 0f);
                    nextValue = lastValues[e];
                }
                else
                {
                    nextNonTerminal = 1f - EpisodeStarts[i + Envs];
                    nextValue = Values[i + Envs];
                }
                float delta = Rewards[i] + gamma * nextValue * nextNonTerminal - Values[i];
                lastGaeLam = delta + gamma * lambda * nextNonTerminal * lastGaeLam;
                Advantages[i] = lastGaeLam;
                Returns[i] = lastGaeLam + Values[i];
            }
        }
    }
}
