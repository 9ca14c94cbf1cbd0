using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Rl;

/// <summary>
/// The dynamics of one kind of episodic environment with discrete actions, kept apart from any one instance's state so that
/// <see cref="VectorEnv"/> can step many instances held in one array. An implementation holds only constants: the state lives in
/// the caller's span (double precision, as Gymnasium's classic-control environments compute in float64) and observations are
/// float32, as Gymnasium returns them.
/// </summary>
public interface IEnvironment
{
    /// <summary>The Gymnasium id this environment reproduces, e.g. CartPole-v1.</summary>
    string Name { get; }

    /// <summary>Doubles of state per instance.</summary>
    int StateSize { get; }

    /// <summary>Floats of observation per instance.</summary>
    int ObservationSize { get; }

    /// <summary>Number of discrete actions (0 .. ActionCount - 1).</summary>
    int ActionCount { get; }

    /// <summary>Steps after which an episode is truncated (Gymnasium's TimeLimit max_episode_steps).</summary>
    int MaxEpisodeSteps { get; }

    /// <summary>Draws an initial state from <paramref name="rng"/>.</summary>
    void Reset(Span<double> state, Rng rng);

    /// <summary>Advances <paramref name="state"/> by one step under <paramref name="action"/>; returns the reward.</summary>
    float Step(Span<double> state, int action, out bool terminated);

    /// <summary>The observation of <paramref name="state"/>.</summary>
    void Observe(ReadOnlySpan<double> state, Span<float> observation);
}

/// <summary>The environments a job or the CLI can name.</summary>
public static class Environments
{
    /// <summary>Names accepted by <see cref="Create"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = [CartPole.Id, MountainCar.Id];

    /// <summary>The environment called <paramref name="name"/> (a Gymnasium id).</summary>
    public static IEnvironment Create(string name) => name switch
    {
        CartPole.Id => new CartPole(),
        MountainCar.Id => new MountainCar(),
        _ => throw new ArgumentException($"unknown environment '{name}'; known: {string.Join(", ", Names)}"),
    };
}
