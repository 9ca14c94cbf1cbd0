using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Rl;

/// <summary>
/// N instances of one environment stepped together, like Stable-Baselines3's DummyVecEnv: instance i draws its initial states from its
/// own generator seeded with seed + i, and an instance whose episode ends is reset at once; its last observation stays readable in
/// <see cref="FinalObservations"/>. All storage is allocated up front, so <see cref="Step"/> allocates nothing.
/// </summary>
public sealed class VectorEnv
{
    private readonly double[] _states;
    private readonly float[] _observations, _finalObservations, _rewards, _returns, _finishedReturns;
    private readonly int[] _lengths, _finishedLengths;
    private readonly bool[] _terminated, _truncated;
    private readonly Rng[] _rngs;

    /// <summary>Creates <paramref name="count"/> instances of <paramref name="environment"/> and resets each one.</summary>
    public VectorEnv(IEnvironment environment, int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        Environment = environment;
        Count = count;
        int s = environment.StateSize, o = environment.ObservationSize;
        _states = new double[count * s];
        _observations = new float[count * o];
        _finalObservations = new float[count * o];
        _rewards = new float[count];
        _returns = new float[count];
        _finishedReturns = new float[count];
        _lengths = new int[count];
        _finishedLengths = new int[count];
        _terminated = new bool[count];
        _truncated = new bool[count];
        _rngs = new Rng[count];
        for (int i = 0; i < count; i++)
        {
            _rngs[i] = new Rng(seed + (ulong)i);
            environment.Reset(_states.AsSpan(i * s, s), _rngs[i]);
            environment.Observe(_states.AsSpan(i * s, s), _observations.AsSpan(i * o, o));
        }
    }

    /// <summary>The dynamics every instance follows.</summary>
    public IEnvironment Environment { get; }

    /// <summary>Number of instances.</summary>
    public int Count { get; }

    /// <summary>Current observations, (Count, ObservationSize) row-major; after a reset, the new episode's first one.</summary>
    public ReadOnlySpan<float> Observations => _observations;

    /// <summary>Current states, (Count, StateSize) row-major.</summary>
    public Span<double> States => _states;

    /// <summary>Each instance's reward from the last step.</summary>
    public ReadOnlySpan<float> Rewards => _rewards;

    /// <summary>Whether the last step ended the instance's episode by reaching a terminal state.</summary>
    public ReadOnlySpan<bool> Terminated => _terminated;

    /// <summary>Whether the last step ended the instance's episode by the time limit (and not by a terminal state).</summary>
    public ReadOnlySpan<bool> Truncated => _truncated;

    /// <summary>The observation an instance's episode ended on, (Count, ObservationSize); meaningful only where it ended on the last step.</summary>
    public ReadOnlySpan<float> FinalObservations => _finalObservations;

    /// <summary>The undiscounted return of the episode an instance ended on the last step.</summary>
    public ReadOnlySpan<float> FinishedReturns => _finishedReturns;

    /// <summary>The length of the episode an instance ended on the last step.</summary>
    public ReadOnlySpan<int> FinishedLengths => _finishedLengths;

    /// <summary>Steps taken by all instances together.</summary>
    public long TotalSteps { get; private set; }

    /// <summary>Episodes ended so far, over all instances.</summary>
    public long EpisodesFinished { get; private set; }

    /// <summary>Whether instance <paramref name="i"/>'s episode ended on the last step.</summary>
    public bool Done(int i) => _terminated[i] || _truncated[i];

    /// <summary>Steps every instance with its action; ended episodes are reset.</summary>
    public void Step(ReadOnlySpan<int> actions)
    {
        if (actions.Length != Count) throw new ArgumentException($"{actions.Length} actions for {Count} environments");
        var env = Environment;
        int s = env.StateSize, o = env.ObservationSize, limit = env.MaxEpisodeSteps;
        for (int i = 0; i < Count; i++)
        {
            var state = _states.AsSpan(i * s, s);
            var obs = _observations.AsSpan(i * o, o);
            float reward = env.Step(state, actions[i], out bool terminated);
            _rewards[i] = reward;
            _returns[i] += reward;
            _lengths[i]++;
            _terminated[i] = terminated;
            _truncated[i] = !terminated && _lengths[i] >= limit;
            env.Observe(state, obs);
            if (terminated || _truncated[i])
            {
                obs.CopyTo(_finalObservations.AsSpan(i * o, o));
                _finishedReturns[i] = _returns[i];
                _finishedLengths[i] = _lengths[i];
                _returns[i] = 0;
                _lengths[i] = 0;
                EpisodesFinished++;
                env.Reset(state, _rngs[i]);
                env.Observe(state, obs);
            }
        }
        TotalSteps += Count;
    }
}
