using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Rl;

/// <summary>
/// Gymnasium's MountainCar-v0 (gymnasium/envs/classic_control/mountain_car.py): a car in a valley pushes left (0), not at all (1)
/// or right (2) and must build momentum to reach the flag at position 0.5. State (position, velocity), position initially uniform in
/// [-0.6, -0.4] and velocity 0; reward -1 every step; truncated after 200 steps.
/// </summary>
public sealed class MountainCar : IEnvironment
{
    /// <summary>The Gymnasium id.</summary>
    public const string Id = "MountainCar-v0";

    public const double MinPosition = -1.2;
    public const double MaxPosition = 0.6;
    public const double MaxSpeed = 0.07;
    public const double GoalPosition = 0.5;
    public const double GoalVelocity = 0;
    public const double Force = 0.001;
    public const double Gravity = 0.0025;

    public string Name => Id;
    public int StateSize => 2;
    public int ObservationSize => 2;
    public int ActionCount => 3;
    public int MaxEpisodeSteps => 200;

    public void Reset(Span<double> state, Rng rng)
    {
        state[0] = -0.6 + 0.2 * rng.NextDouble();
        state[1] = 0;
    }

    public float Step(Span<double> state, int action, out bool terminated)
    {
        if ((uint)action > 2) throw new ArgumentOutOfRangeException(nameof(action), $"MountainCar actions are 0, 1 and 2; got {action}");
        double position = state[0], velocity = state[1];
        velocity += (action - 1) * Force + Math.Cos(3 * position) * -Gravity;
        velocity = Math.Clamp(velocity, -MaxSpeed, MaxSpeed);
        position += velocity;
        position = Math.Clamp(position, MinPosition, MaxPosition);
        if (position == MinPosition && velocity < 0) velocity = 0;
        state[0] = position;
        state[1] = velocity;
        terminated = position >= GoalPosition && velocity >= GoalVelocity;
        return -1f;
    }

    public void Observe(ReadOnlySpan<double> state, Span<float> observation)
    {
        observation[0] = (float)state[0];
        observation[1] = (float)state[1];
    }
}
