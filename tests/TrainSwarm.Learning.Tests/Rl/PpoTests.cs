using TrainSwarm.Learning.Rl;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Tests.Rl;

[Collection(nameof(SerialTraining))]
public class PpoTests(ITestOutputHelper log)
{
    [Fact]
    public void Ppo_solves_cartpole_within_the_rl_zoo_budget()
    {
        // RL Zoo's CartPole-v1 PPO (hyperparams/ppo.yml), 1e5 steps; solved = mean return ≥ 475 over 100 seeded evaluation episodes.
        var config = new PpoConfig();
        var trainer = new PpoTrainer(new CartPole(), config, seed: 0);
        var result = trainer.Train(p =>
        {
            if (p.EvalMeanReturn is { } r) log.WriteLine($"{p.Timesteps,7} steps  eval mean return {r,6:F1}  lr {p.Update.LearningRate:E2}");
        });
        log.WriteLine($"solved at {result.SolvedAtTimesteps} steps, {result.GradientSteps} gradient steps, {result.Elapsed.TotalSeconds:F1} s");
        Assert.NotNull(result.SolvedAtTimesteps);
        Assert.True(result.SolvedAtTimesteps <= 100_000);
        Assert.True(result.FinalMeanReturn >= 475);
        var again = PolicyEvaluator.Evaluate(trainer.Model, new CartPole(), 100, config.EvalSeed);
        Assert.Equal(result.FinalMeanReturn, again.MeanReturn);
    }

    [Fact]
    public void A_seed_gives_the_same_run_bitwise_on_1_and_2_threads()
    {
        var config = new PpoConfig { TotalTimesteps = 6 * 256, EvalEvery = 3, EvalEpisodes = 10 };
        int saved = Engine.Threads;
        try
        {
            Engine.Threads = 1;
            var one = new PpoTrainer(new CartPole(), config, seed: 3);
            var r1 = one.Train();
            Engine.Threads = 2;
            var two = new PpoTrainer(new CartPole(), config, seed: 3);
            var r2 = two.Train();
            Assert.Equal(one.LossCurve, two.LossCurve);
            Assert.Equal(r1.Evaluations, r2.Evaluations);
            foreach (var ((name, a), (_, b)) in one.Model.NamedParameters().Zip(two.Model.NamedParameters()))
                Assert.True(a.Span.SequenceEqual(b.Span), $"{name} differs");
            Assert.Equal(6 * 20, r1.GradientSteps);
            Assert.NotEqual(new PpoTrainer(new CartPole(), config, seed: 4).Train().Evaluations, r1.Evaluations);
        }
        finally
        {
            Engine.Threads = saved;
        }
    }

    [Fact]
    public void The_actor_critic_is_initialized_orthogonally_as_sb3_does()
    {
        var model = new ActorCritic(4, 2, [64, 64], new Rng(0));
        var names = model.NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(["pi.0.weight", "pi.0.bias", "pi.2.weight", "pi.2.bias", "pi.4.weight", "pi.4.bias",
                      "vf.0.weight", "vf.0.bias", "vf.2.weight", "vf.2.bias", "vf.4.weight", "vf.4.bias"], names);
        var pi = model.Policy.Layers.OfType<Nn.Layers.Linear>().ToArray();
        var vf = model.Value.Layers.OfType<Nn.Layers.Linear>().ToArray();
        // W·Wᵀ = gain²·I for a wide weight (rows ≤ cols), Wᵀ·W = gain²·I for a tall one.
        AssertOrthogonal(pi[0].Weight, 2.0);
        AssertOrthogonal(pi[1].Weight, 2.0);
        AssertOrthogonal(pi[2].Weight, 0.01 * 0.01);
        AssertOrthogonal(vf[2].Weight, 1.0);
        Assert.All(model.NamedParameters().Where(p => p.Name.EndsWith("bias")), p => Assert.All(p.Value.ToArray(), v => Assert.Equal(0f, v)));
    }

    private static void AssertOrthogonal(Tensor w, double gainSquared)
    {
        int rows = w.Size(0), cols = w.Size(1), k = Math.Min(rows, cols);
        var s = w.Span;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double dot = 0;
                for (int t = 0; t < Math.Max(rows, cols); t++)
                    dot += rows <= cols ? (double)s[i * cols + t] * s[j * cols + t] : (double)s[t * cols + i] * s[t * cols + j];
                Assert.Equal(i == j ? gainSquared : 0, dot, 1e-5 * Math.Max(1, gainSquared));
            }
    }

    [Fact]
    public void A_truncated_episode_is_bootstrapped_with_the_value_of_its_final_observation()
    {
        var env = new VectorEnv(new ShortEpisodes(), 2, seed: 0);
        var model = new ActorCritic(1, 2, [4], new Rng(1));
        var buffer = new RolloutBuffer(steps: 4, envs: 2, observationSize: 1);
        var collector = new RolloutCollector(env, model, buffer, gamma: 0.9f, lambda: 0.95f, new Rng(2));
        collector.Collect();
        // ShortEpisodes never terminates and is truncated after 3 steps, at observation 3: reward 1 + 0.9·V(3) at t = 2.
        float v3;
        using (GradMode.NoGrad())
        using (TensorScope.Begin())
            v3 = model.ValueOf(Tensor.FromArray([3f], 1, 1)).Item();
        Assert.Equal(1f + 0.9f * v3, buffer.Rewards[2 * 2]);
        Assert.Equal(1f, buffer.Rewards[1 * 2]);
        Assert.Equal([1f, 1f, 0f, 0f, 0f, 0f, 1f, 1f], buffer.EpisodeStarts);
    }

    [Fact]
    public void Gradient_clipping_scales_to_the_global_norm()
    {
        var a = Tensor.Persistent(2);
        var b = Tensor.Persistent(1);
        a.RequiresGrad = b.RequiresGrad = true;
        using (TensorScope.Begin()) Ops.Sum(Ops.Add(Ops.Scale(a, 3f), Ops.Scale(b, 4f))).Backward();
        // b is broadcast over both elements: gradients (3, 3) and (8), norm √82
        double total = GradientClipping.ClipGradNorm([a, b], 0.5);
        Assert.Equal(Math.Sqrt(82), total, 1e-9);
        double after = Math.Sqrt(a.Grad!.Span[0] * a.Grad.Span[0] * 2 + b.Grad!.Span[0] * b.Grad.Span[0]);
        Assert.Equal(0.5, after, 1e-5);
    }

    /// <summary>Observation = steps taken in the episode; reward 1; never terminal; 3 steps per episode.</summary>
    private sealed class ShortEpisodes : IEnvironment
    {
        public string Name => "short";
        public int StateSize => 1;
        public int ObservationSize => 1;
        public int ActionCount => 2;
        public int MaxEpisodeSteps => 3;
        public void Reset(Span<double> state, Rng rng) => state[0] = 0;

        public float Step(Span<double> state, int action, out bool terminated)
        {
            state[0] += 1;
            terminated = false;
            return 1f;
        }

        public void Observe(ReadOnlySpan<double> state, Span<float> observation) => observation[0] = (float)state[0];
    }
}
