using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Rl;

/// <summary>
/// Gymnasium's CartPole-v1 (gymnasium/envs/classic_control/cartpole.py, CartPoleEnv, kinematics_integrator "euler"): a pole hinged
/// on a cart that is pushed left (action 0) or right (action 1) with a force of 10 N. State (x, ẋ, θ, θ̇), initially uniform in
/// ±0.05; reward 1 every step; the episode terminates when |x| > 2.4 or |θ| > 12° and is truncated after 500 steps.
/// </summary>
public sealed class CartPole : IEnvironment
{
    /// <summary>The Gymnasium id.</summary>
    public const string Id = "CartPole-v1";

    public const double Gravity = 9.8;
    public const double MassCart = 1.0;
    public const double MassPole = 0.1;
    public const double TotalMass = MassPole + MassCart;
    /// <summary>Half the pole's length, as Gymnasium names it.</summary>
    public const double Length = 0.5;
    public const double PoleMassLength = MassPole * Length;
    public const double ForceMag = 10.0;
    /// <summary>Seconds between state updates.</summary>
    public const double Tau = 0.02;
    public const double ThetaThresholdRadians = 12 * 2 * Math.PI / 360;
    public const double XThreshold = 2.4;

    public string Name => Id;
    public int StateSize => 4;
    public int ObservationSize => 4;
    public int ActionCount => 2;
    public int MaxEpisodeSteps => 500;

    public void Reset(Span<double> state, Rng rng)
    {
        for (int i = 0; i < 4; i++) state[i] = -0.05 + 0.1 * rng.NextDouble();
    }

    public float Step(Span<double> state, int action, out bool terminated)
    {
        if ((uint)action > 1) throw new ArgumentOutOfRangeException(nameof(action), $"CartPole actions are 0 and 1; got {action}");
        double x = state[0], xDot = state[1], theta = state[2], thetaDot = state[3];
        double force = action == 1 ? ForceMag : -ForceMag;
        double cosTheta = Math.Cos(theta), sinTheta = Math.Sin(theta);
        // The same expressions, in the same order, as CartPoleEnv.step (float64 there too).
        double temp = (force + PoleMassLength * (thetaDot * thetaDot) * sinTheta) / TotalMass;
        double thetaAcc = (Gravity * sinTheta - cosTheta * temp) / (Length * (4.0 / 3.0 - MassPole * (cosTheta * cosTheta) / TotalMass));
        double xAcc = temp - PoleMassLength * thetaAcc * cosTheta / TotalMass;
        x += Tau * xDot;
        xDot += Tau * xAcc;
        theta += Tau * thetaDot;
        thetaDot += Tau * thetaAcc;
        state[0] = x;
        state[1] = xDot;
        state[2] = theta;
        state[3] = thetaDot;
        terminated = x < -XThreshold || x > XThreshold || theta < -ThetaThresholdRadians || theta > ThetaThresholdRadians;
        return 1f;
    }

    public void Observe(ReadOnlySpan<double> state, Span<float> observation)
    {
        for (int i = 0; i < 4; i++) observation[i] = (float)state[i];
    }
}
