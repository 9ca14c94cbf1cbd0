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

    /// <summary>
    /// torch.nn.init.orthogonal_: a (rows, cols) weight whose rows (if rows ≤ cols) or columns are orthonormal, times
    /// <paramref name="gain"/>. A standard normal matrix of the taller orientation is orthonormalized by modified Gram-Schmidt in
    /// double precision, which gives the Q of its QR decomposition with R's diagonal positive, the sign convention torch applies.
    /// </summary>
    public static void Orthogonal(Tensor t, float gain, Rng rng)
    {
        if (t.Rank < 2) throw new ArgumentException($"orthogonal init needs at least 2 dimensions; got {t.ShapeText}");
        int rows = t.Size(0), cols = t.Length / rows;
        int tall = Math.Max(rows, cols), wide = Math.Min(rows, cols);
        // a: (tall, wide), column-major so each column is contiguous; drawn row-major over the weight's own layout.
        var a = new double[tall * wide];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                double v = rng.Normal();
                if (rows >= cols) a[c * tall + r] = v; else a[r * tall + c] = v;
            }
        for (int j = 0; j < wide; j++)
        {
            var qj = a.AsSpan(j * tall, tall);
            for (int k = 0; k < j; k++)
            {
                var qk = a.AsSpan(k * tall, tall);
                double dot = 0;
                for (int i = 0; i < tall; i++) dot += qk[i] * qj[i];
                for (int i = 0; i < tall; i++) qj[i] -= dot * qk[i];
            }
            double norm = 0;
            for (int i = 0; i < tall; i++) norm += qj[i] * qj[i];
            norm = Math.Sqrt(norm);
            if (norm == 0) throw new InvalidOperationException("orthogonal init drew a degenerate matrix");
            for (int i = 0; i < tall; i++) qj[i] /= norm;
        }
        var s = t.Span;
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
                s[r * cols + c] = (float)(gain * (rows >= cols ? a[c * tall + r] : a[r * tall + c]));
    }

    /// <summary>N(0, std²), element by element in row-major order (torch.nn.init.normal_(t, 0, std)).</summary>
    public static void Normal(Tensor t, float std, Rng rng)
    {
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = std * rng.Normal();
    }

    /// <summary>Sets every element to <paramref name="value"/> (torch.nn.init.constant_).</summary>
    public static void Constant(Tensor t, float value) => t.Span.Fill(value);
}
