using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Init;

/// <summary>The initialization schemes PyTorch uses, drawn from our seeded generator.</summary>
public static class Initializers
{
    /// <summary>
    /// torch.nn.Linear / Conv2d reset_parameters: weight ~ kaiming_uniform(a = √5), i.e. U(-1/√fan_in, 1/√fan_in),
    /// and bias ~ U(-1/√fan_in, 1/√fan_in).
    /// </summary>
    public static void ResetLikePyTorch(Tensor weight, Tensor? bias, int fanIn, Rng rng)
    {
        KaimingUniform(weight, fanIn, MathF.Sqrt(5f), rng);
        if (bias is not null) Uniform(bias, 1f / MathF.Sqrt(fanIn), rng);
    }

    /// <summary>U(-bound, bound) with bound = gain·√(3 / fan_in), gain = √(2 / (1 + a²)) (leaky-ReLU gain).</summary>
    public static void KaimingUniform(Tensor t, int fanIn, float a, Rng rng)
    {
        float gain = MathF.Sqrt(2f / (1f + a * a));
        Uniform(t, gain * MathF.Sqrt(3f / fanIn), rng);
    }

    /// <summary>U(-bound, bound), element by element in row-major order.</summary>
    public static void Uniform(Tensor t, float bound, Rng rng)
    {
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = rng.Uniform(-bound, bound);
    }
}
