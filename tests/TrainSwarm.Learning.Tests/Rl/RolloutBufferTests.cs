using TrainSwarm.Learning.Rl;

namespace TrainSwarm.Learning.Tests.Rl;

public class RolloutBufferTests
{
    [Fact]
    public void Gae_matches_a_small_example_worked_by_hand()
    {
        // Two environments, three steps, γ = λ = 0.5 (every value is exact in float32).
        // env 0: episode starts at t = 0 and t = 2 (t = 1 ended an episode); rewards 1, 1, 1; values 0.5, 0.25, 1; last value 2, not done.
        //   t=2: δ = 1 + 0.5·2 - 1 = 1                     A = 1
        //   t=1: next is a new episode: δ = 1 - 0.25       A = 0.75
        //   t=0: δ = 1 + 0.5·0.25 - 0.5 = 0.625            A = 0.625 + 0.25·0.75 = 0.8125
        // env 1: one episode; rewards 2, 0, 1; values 0; last value 4 but done after t = 2.
        //   t=2: δ = 1, A = 1;  t=1: δ = 0, A = 0.25·1 = 0.25;  t=0: δ = 2, A = 2 + 0.25·0.25 = 2.0625
        var b = new RolloutBuffer(steps: 3, envs: 2, observationSize: 1);
        b.Add([0, 0], [0, 0], [1, 2], [true, true], [0.5f, 0], [0, 0]);
        b.Add([0, 0], [0, 0], [1, 0], [false, false], [0.25f, 0], [0, 0]);
        b.Add([0, 0], [0, 0], [1, 1], [true, false], [1f, 0], [0, 0]);
        b.ComputeReturnsAndAdvantage([2f, 4f], [false, true], gamma: 0.5f, lambda: 0.5f);
        Assert.Equal([0.8125f, 2.0625f, 0.75f, 0.25f, 1f, 1f], b.Advantages);
        Assert.Equal([1.3125f, 2.0625f, 1f, 0.25f, 2f, 1f], b.Returns);
    }

    [Fact]
    public void Gae_with_lambda_1_and_no_episode_end_is_the_discounted_return_minus_the_value()
    {
        var b = new RolloutBuffer(steps: 4, envs: 1, observationSize: 1);
        float[] values = [0.3f, -0.2f, 0.7f, 0.1f];
        for (int t = 0; t < 4; t++) b.Add([0], [0], [1f], [t == 0], [values[t]], [0]);
        b.ComputeReturnsAndAdvantage([10f], [false], gamma: 0.9f, lambda: 1f);
        for (int t = 0; t < 4; t++)
        {
            double g = Math.Pow(0.9, 4 - t) * 10;
            for (int k = t; k < 4; k++) g += Math.Pow(0.9, k - t);
            Assert.Equal(g, b.Returns[t], 1e-5);
            Assert.Equal(g - values[t], b.Advantages[t], 1e-5);
        }
    }

    [Fact]
    public void A_full_buffer_refuses_more_and_gae_needs_a_full_one()
    {
        var b = new RolloutBuffer(steps: 1, envs: 1, observationSize: 1);
        Assert.Throws<InvalidOperationException>(() => b.ComputeReturnsAndAdvantage([0f], [false], 0.9f, 0.9f));
        b.Add([0], [0], [1f], [true], [0], [0]);
        Assert.Throws<InvalidOperationException>(() => b.Add([0], [0], [1f], [true], [0], [0]));
    }
}
