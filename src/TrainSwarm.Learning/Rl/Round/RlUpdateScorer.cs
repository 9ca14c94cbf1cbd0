using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Learning.Rl;

/// <summary>The validator's measure of an RL update: mean evaluation return of global + delta against the global's on the same episodes.</summary>
public static class RlUpdateScorer
{
    /// <summary>
    /// Mean return of the deterministic policy <paramref name="baseWeights"/> and of base + <paramref name="delta"/>, over
    /// <paramref name="episodes"/> episodes seeded from <paramref name="evalSeed"/> (seeds the nodes are not told).
    /// </summary>
    public static RlScore Score(byte[] baseWeights, IReadOnlyList<NamedArray> delta, string environment, PpoConfig config, int episodes,
        ulong evalSeed)
    {
        var env = Environments.Create(environment);
        var model = RlRoundTrainer.LoadPolicy(baseWeights, env, config);
        double before = PolicyEvaluator.Evaluate(model, env, episodes, evalSeed).MeanReturn;
        var byName = delta.ToDictionary(d => d.Name, StringComparer.Ordinal);
        foreach (var (name, p) in model.NamedParameters())
        {
            if (!byName.TryGetValue(name, out var d)) throw new ArgumentException($"the delta has no tensor '{name}'");
            var values = d.AsF32();
            if (values.Length != p.Length) throw new ArgumentException($"delta '{name}' has {values.Length} values, the policy {p.Length}");
            System.Numerics.Tensors.TensorPrimitives.Add(p.Span, values, p.Span);
        }
        if (byName.Count != model.NamedParameters().Count()) throw new ArgumentException("the delta holds tensors the policy does not have");
        double after = PolicyEvaluator.Evaluate(model, env, episodes, evalSeed).MeanReturn;
        return new RlScore(before, after);
    }
}

/// <summary>Mean evaluation returns before and after an update; <see cref="Improvement"/> is what quality follows from.</summary>
public readonly record struct RlScore(double BaseMeanReturn, double UpdatedMeanReturn)
{
    /// <summary>Updated minus base mean return.</summary>
    public double Improvement => UpdatedMeanReturn - BaseMeanReturn;
}
