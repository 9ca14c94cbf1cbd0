using TrainSwarm.Nn;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Rl;

/// <summary>
/// Mean return of a policy over seeded evaluation episodes, as SB3's evaluate_policy with deterministic = true: each step takes the
/// action with the largest logit (the first on a tie, as torch.argmax). Episode i starts from the state seeded with seed + i, and all
/// episodes run side by side in one <see cref="VectorEnv"/>, so the result depends only on the policy, the environment and the seed.
/// </summary>
public static class PolicyEvaluator
{
    /// <summary>Runs <paramref name="episodes"/> episodes of <paramref name="policy"/> (observations to logits) to their ends.</summary>
    public static EvalResult Evaluate(Module policy, IEnvironment environment, int episodes, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(episodes, 1);
        var env = new VectorEnv(environment, episodes, seed);
        int o = environment.ObservationSize, a = environment.ActionCount;
        var returns = new double[episodes];
        var lengths = new int[episodes];
        var finished = new bool[episodes];
        var actions = new int[episodes];
        int remaining = episodes;
        using var noGrad = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        while (remaining > 0)
        {
            var logits = policy.Forward(Tensor.FromArray(env.Observations, episodes, o)).Span;
            for (int i = 0; i < episodes; i++)
            {
                int best = 0;
                for (int c = 1; c < a; c++)
                    if (logits[i * a + c] > logits[i * a + best]) best = c;
                actions[i] = best;
            }
            env.Step(actions);
            for (int i = 0; i < episodes; i++)
            {
                if (finished[i] || !env.Done(i)) continue;
                finished[i] = true;
                returns[i] = env.FinishedReturns[i];
                lengths[i] = env.FinishedLengths[i];
                remaining--;
            }
            scope.Reset();
        }
        double mean = returns.Average();
        double std = Math.Sqrt(returns.Select(r => (r - mean) * (r - mean)).Average());
        return new EvalResult(mean, std, returns, lengths.Sum());
    }
}

/// <summary>Mean and (population) standard deviation of the episodes' returns, each return, and the steps they took.</summary>
public sealed record EvalResult(double MeanReturn, double StdReturn, IReadOnlyList<double> Returns, long Steps);
