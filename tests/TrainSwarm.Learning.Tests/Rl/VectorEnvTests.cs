using TrainSwarm.Learning.Rl;

namespace TrainSwarm.Learning.Tests.Rl;

public class VectorEnvTests
{
    private static (double[] States, float[] Returns, long Episodes) Run(int count, ulong seed, int steps)
    {
        var env = new VectorEnv(new CartPole(), count, seed);
        var actions = new int[count];
        float[] returns = new float[count];
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < count; i++) actions[i] = (t * 7 + i * 3) % 5 < 2 ? 1 : 0;
            env.Step(actions);
            for (int i = 0; i < count; i++)
                if (env.Done(i)) returns[i] += env.FinishedReturns[i];
        }
        return (env.States.ToArray(), returns, env.EpisodesFinished);
    }

    [Fact]
    public void The_same_seed_gives_the_same_states_bitwise_and_another_seed_does_not()
    {
        var a = Run(16, 7, 300);
        var b = Run(16, 7, 300);
        Assert.Equal(a.States, b.States);
        Assert.Equal(a.Returns, b.Returns);
        Assert.True(a.Episodes > 16, $"only {a.Episodes} episodes ended");
        Assert.NotEqual(a.States, Run(16, 8, 300).States);
    }

    [Fact]
    public void Instance_i_is_seeded_with_seed_plus_i()
    {
        var wide = new VectorEnv(new CartPole(), 4, seed: 10);
        var single = new VectorEnv(new CartPole(), 1, seed: 12);
        Assert.Equal(single.Observations.ToArray(), wide.Observations.Slice(8, 4).ToArray());
    }

    [Fact]
    public void An_ended_episode_resets_and_keeps_its_final_observation()
    {
        var env = new VectorEnv(new CartPole(), 1, seed: 2);
        var right = new[] { 1 };
        int t = 0;
        do
        {
            env.Step(right);
            t++;
        }
        while (!env.Done(0));
        Assert.True(env.Terminated[0]);
        Assert.False(env.Truncated[0]);
        Assert.Equal(t, env.FinishedLengths[0]);
        Assert.Equal((float)t, env.FinishedReturns[0]);
        // Pushed right all along, the pole falls left: |θ| over 12° in the final observation; the new episode starts within ±0.05.
        Assert.True(MathF.Abs(env.FinalObservations[2]) > 0.2f);
        foreach (float v in env.Observations) Assert.InRange(v, -0.05f, 0.05f);
    }

    [Fact]
    public void Stepping_allocates_nothing()
    {
        var env = new VectorEnv(new CartPole(), 64, seed: 1);
        var actions = new int[64];
        env.Step(actions);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int t = 0; t < 1000; t++)
        {
            actions[t % 64] ^= 1;
            env.Step(actions);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
