using TrainSwarm.Learning.Rl;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Tests.Rl;

/// <summary>Our CartPole and MountainCar against Gymnasium's published dynamics, termination and truncation.</summary>
public class EnvironmentTests(ITestOutputHelper log)
{
    /// <summary>
    /// CartPoleEnv.step from gymnasium/envs/classic_control/cartpole.py (Euler integrator), written out independently of ours:
    ///   force = ±force_mag;  temp = (force + polemass_length·θ̇²·sin θ) / total_mass
    ///   θ̈ = (g·sin θ - cos θ·temp) / (length·(4/3 - masspole·cos²θ / total_mass));  ẍ = temp - polemass_length·θ̈·cos θ / total_mass
    ///   x += τ·ẋ;  ẋ += τ·ẍ;  θ += τ·θ̇;  θ̇ += τ·θ̈
    /// with g = 9.8, masscart = 1.0, masspole = 0.1, total_mass = 1.1, length = 0.5, polemass_length = 0.05, force_mag = 10, τ = 0.02.
    /// </summary>
    private static double[] GymnasiumStep(double[] s, int action)
    {
        double x = s[0], xDot = s[1], theta = s[2], thetaDot = s[3];
        double force = action == 1 ? 10.0 : -10.0;
        double temp = (force + 0.05 * thetaDot * thetaDot * Math.Sin(theta)) / 1.1;
        double thetaAcc = (9.8 * Math.Sin(theta) - Math.Cos(theta) * temp) / (0.5 * (4.0 / 3.0 - 0.1 * Math.Cos(theta) * Math.Cos(theta) / 1.1));
        double xAcc = temp - 0.05 * thetaAcc * Math.Cos(theta) / 1.1;
        return [x + 0.02 * xDot, xDot + 0.02 * xAcc, theta + 0.02 * thetaDot, thetaDot + 0.02 * thetaAcc];
    }

    [Fact]
    public void CartPole_follows_gymnasiums_equations_for_a_fixed_action_sequence()
    {
        var env = new CartPole();
        double[] ours = [0.01, -0.02, 0.03, 0.04];
        double[] reference = [.. ours];
        int[] actions = [1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0];
        double worst = 0;
        foreach (int a in actions)
        {
            float reward = env.Step(ours, a, out bool terminated);
            reference = GymnasiumStep(reference, a);
            Assert.Equal(1f, reward);
            Assert.False(terminated);
            for (int i = 0; i < 4; i++) worst = Math.Max(worst, Math.Abs(ours[i] - reference[i]));
        }
        log.WriteLine($"worst |ours - equations| over {actions.Length} steps: {worst:E2} (tolerance 1e-12)");
        Assert.True(worst <= 1e-12);

        // Anchors: the first two steps from (0.01, -0.02, 0.03, 0.04) with actions 1, 1, evaluated with Python floats from the same equations.
        double[] s = [0.01, -0.02, 0.03, 0.04];
        env.Step(s, 1, out _);
        Close([0.009600000000000001, 0.17467919574755525, 0.030799999999999998, -0.2430687179600081], s);
        env.Step(s, 1, out _);
        Close([0.013093583914951107, 0.3693479760579556, 0.025938625640799837, -0.5258796280501483], s);
    }

    private static void Close(double[] expected, double[] actual)
    {
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-15);
    }

    [Fact]
    public void CartPole_terminates_past_12_degrees_or_2_4_metres_and_not_before()
    {
        var env = new CartPole();
        Assert.Equal(12 * 2 * Math.PI / 360, CartPole.ThetaThresholdRadians);
        // θ̇ carries θ over the threshold in one step: θ' = θ + τ·θ̇.
        double[] s = [0, 0, CartPole.ThetaThresholdRadians - 0.001, 0.1];
        env.Step(s, 1, out bool terminated);
        Assert.True(terminated);
        s = [0, 0, CartPole.ThetaThresholdRadians - 0.003, 0.1];
        env.Step(s, 1, out terminated);
        Assert.False(terminated);
        s = [2.39, 1.0, 0, 0];
        env.Step(s, 1, out terminated);
        Assert.True(terminated); // x' = 2.39 + 0.02
        s = [-2.39, -1.0, 0, 0];
        env.Step(s, 0, out terminated);
        Assert.True(terminated);
    }

    [Fact]
    public void CartPole_resets_uniformly_within_005()
    {
        var env = new CartPole();
        var rng = new Rng(3);
        var s = new double[4];
        double max = 0;
        for (int i = 0; i < 1000; i++)
        {
            env.Reset(s, rng);
            foreach (double v in s) max = Math.Max(max, Math.Abs(v));
        }
        Assert.InRange(max, 0.045, 0.05);
    }

    [Fact]
    public void A_balanced_cartpole_episode_is_truncated_at_500_steps_with_return_500()
    {
        // A hand-written controller that pushes toward the pole's lean keeps it up; the time limit must end the episode.
        var env = new VectorEnv(new CartPole(), 1, seed: 5);
        var action = new int[1];
        for (int t = 1; t <= 500; t++)
        {
            var o = env.Observations;
            action[0] = o[2] + 0.5f * o[3] + 0.01f * o[0] + 0.1f * o[1] > 0 ? 1 : 0;
            env.Step(action);
            Assert.False(env.Terminated[0], $"terminated at step {t}");
            Assert.Equal(t == 500, env.Truncated[0]);
        }
        Assert.Equal(500f, env.FinishedReturns[0]);
        Assert.Equal(500, env.FinishedLengths[0]);
        Assert.Equal(1, env.EpisodesFinished);
    }

    [Fact]
    public void MountainCar_follows_gymnasiums_equations_and_is_truncated_at_200()
    {
        // mountain_car.py: v += (a - 1)·force + cos(3p)·(-gravity), clipped to ±0.07; p += v, clipped to [-1.2, 0.6]; v = 0 at the left wall.
        var env = new MountainCar();
        double[] s = [-0.5, 0.0];
        double p = -0.5, v = 0.0;
        for (int t = 0; t < 50; t++)
        {
            int a = t % 3;
            env.Step(s, a, out bool terminated);
            v = Math.Clamp(v + (a - 1) * 0.001 + Math.Cos(3 * p) * -0.0025, -0.07, 0.07);
            p = Math.Clamp(p + v, -1.2, 0.6);
            if (p == -1.2 && v < 0) v = 0;
            Assert.Equal(p, s[0], 1e-15);
            Assert.Equal(v, s[1], 1e-15);
            Assert.False(terminated);
        }
        double[] atGoal = [0.49, 0.02];
        env.Step(atGoal, 2, out bool done);
        Assert.True(done);

        var vec = new VectorEnv(env, 2, seed: 1);
        Assert.InRange(vec.Observations[0], -0.6f, -0.4f);
        Assert.Equal(0f, vec.Observations[1]);
        var idle = new int[] { 1, 1 };
        for (int t = 0; t < 200; t++) vec.Step(idle);
        Assert.True(vec.Truncated[0] && vec.Truncated[1]);
        Assert.Equal(-200f, vec.FinishedReturns[0]);
    }
}
