using TrainSwarm.Learning.Rl;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Learning.Tests.Rl;

/// <summary>The engine side of an RL swarm round: a node's PPO round from the global policy, its replay, and the validator's score.</summary>
[Collection(nameof(SerialTraining))]
public class RlRoundTests(ITestOutputHelper log)
{
    private static readonly RlRoundSpec Spec = new(CartPole.Id, new PpoConfig(), Rollouts: 8, CommitEvery: 4);

    [Fact]
    public void A_round_is_deterministic_and_a_replayed_prefix_reproduces_its_commitment()
    {
        var global = RlRoundTrainer.InitialPolicy(CartPole.Id, Spec.Ppo, seed: 0);
        var a = RlRoundTrainer.Train(global, Spec, seed: 11, timestepsBefore: 0);
        var b = RlRoundTrainer.Train(global, Spec, seed: 11, timestepsBefore: 0);
        Assert.Equal(8, a.Rollouts);
        Assert.Equal(8 * 256, a.EnvSteps);
        Assert.Equal(8 * 20, a.LossCurve.Count);
        Assert.True(a.Episodes > 0);
        Assert.Equal([4, 8], a.Commitments.Select(c => c.Step));
        Assert.Equal(a.Commitments, b.Commitments);
        Assert.Equal(a.LossCurve, b.LossCurve);
        foreach (var (x, y) in a.Delta.Zip(b.Delta)) Assert.Equal(x.AsF32(), y.AsF32());

        var replay = RlRoundTrainer.Train(global, Spec, seed: 11, timestepsBefore: 0, stopAfter: 4);
        Assert.Equal(a.Commitments[0], Assert.Single(replay.Commitments));
        Assert.NotEqual(a.Commitments, RlRoundTrainer.Train(global, Spec, seed: 12, timestepsBefore: 0).Commitments);
    }

    [Fact]
    public void The_score_rewards_an_update_that_raises_the_return_and_not_its_negation()
    {
        var global = RlRoundTrainer.InitialPolicy(CartPole.Id, Spec.Ppo, seed: 0);
        var round = RlRoundTrainer.Train(global, Spec, seed: 11, timestepsBefore: 0);
        var good = RlUpdateScorer.Score(global, round.Delta, CartPole.Id, Spec.Ppo, episodes: 20, evalSeed: 777);
        var negated = round.Delta.Select(d => NamedArray.F32(d.Name, d.AsF32().Select(v => -v).ToArray(), [.. d.Shape])).ToList();
        var bad = RlUpdateScorer.Score(global, negated, CartPole.Id, Spec.Ppo, episodes: 20, evalSeed: 777);
        log.WriteLine($"base {good.BaseMeanReturn:F1}, base + delta {good.UpdatedMeanReturn:F1}, base - delta {bad.UpdatedMeanReturn:F1}");
        Assert.Equal(good.BaseMeanReturn, bad.BaseMeanReturn);
        Assert.True(good.Improvement > 0);
        Assert.True(bad.Improvement < good.Improvement);
    }

    [Fact]
    public void Three_nodes_averaging_their_deltas_each_round_solve_cartpole()
    {
        // FedAvg in one process: each round, 3 nodes train 4 rollouts from the global with their own seeds; the mean delta is applied.
        var spec = Spec with { Rollouts = 4 };
        var global = RlRoundTrainer.InitialPolicy(CartPole.Id, spec.Ppo, seed: 0);
        var env = new CartPole();
        long steps = 0;
        for (int round = 0; round < 30; round++)
        {
            var results = Enumerable.Range(0, 3)
                .Select(node => RlRoundTrainer.Train(global, spec, seed: (ulong)(1000 * round + node), timestepsBefore: steps / 3)).ToList();
            steps += results.Sum(r => r.EnvSteps);
            var model = RlRoundTrainer.LoadPolicy(global, env, spec.Ppo);
            foreach (var (name, p) in model.NamedParameters())
            {
                var sum = new float[p.Length];
                foreach (var r in results)
                    System.Numerics.Tensors.TensorPrimitives.Add(sum, r.Delta.Single(d => d.Name == name).AsF32(), sum);
                for (int i = 0; i < sum.Length; i++) p.Span[i] += sum[i] / 3;
            }
            global = ModuleWeights.ToBytes(model);
            double mean = PolicyEvaluator.Evaluate(model, env, 100, 1_000_000).MeanReturn;
            log.WriteLine($"round {round + 1}: {steps} env steps in all, eval mean return {mean:F1}");
            if (mean >= 475) return;
        }
        Assert.Fail("3 averaging nodes did not reach a mean return of 475 in 30 rounds");
    }
}
