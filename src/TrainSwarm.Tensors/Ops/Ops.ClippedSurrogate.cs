using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>
    /// PPO's clipped surrogate loss (Schulman et al. 2017, eq. 7, negated to be minimized), as Stable-Baselines3 computes it:
    /// r = exp(logProb - oldLogProb); loss = -mean(min(r·A, clamp(r, 1 - clip, 1 + clip)·A)).
    /// logProb: (B) -> a scalar. The old log-probabilities and the advantages are constants.
    /// </summary>
    public static Tensor ClippedSurrogate(Tensor logProb, ReadOnlySpan<float> oldLogProb, ReadOnlySpan<float> advantages, float clip)
    {
        if (logProb.Rank != 1) throw new ArgumentException($"clipped surrogate needs log-probabilities (B); got {logProb.ShapeText}");
        int n = logProb.Size(0);
        if (n == 0) throw new ArgumentException("clipped surrogate of an empty batch is undefined");
        if (oldLogProb.Length != n || advantages.Length != n)
            throw new ArgumentException($"clipped surrogate got {oldLogProb.Length} old log-probabilities and {advantages.Length} advantages for {n} rows");
        if (!(clip >= 0)) throw new ArgumentOutOfRangeException(nameof(clip), "the clip range must be non-negative");

        bool record = GradMode.ShouldRecord(logProb);
        // Per row: r·A where the unclipped term is the minimum (its gradient flows), 0 where the clipped constant wins.
        var slope = record ? TensorPool.Rent(n) : null;
        var lp = logProb.Span;
        float total = 0;
        for (int i = 0; i < n; i++)
        {
            float ratio = MathF.Exp(lp[i] - oldLogProb[i]);
            float a = advantages[i];
            float unclipped = ratio * a;
            float clipped = Math.Clamp(ratio, 1f - clip, 1f + clip) * a;
            total += MathF.Min(unclipped, clipped);
            if (slope is not null) slope[i] = SurrogateSlope(ratio, a, unclipped, clipped, clip);
        }
        var loss = Tensor.Empty();
        loss.Span[0] = -(total / n);
        if (record)
        {
            TensorScope.TrackBuffer(slope!);
            loss.RequiresGrad = true;
            loss.GradFn = new ClippedSurrogateNode { Input0 = logProb, Slope = slope! };
        }
        return loss;
    }

    // d min(rA, clamp(r)A) / d logp. Where the two terms tie PyTorch gives each half the gradient; the clamp passes its gradient on the
    // closed interval [1 - clip, 1 + clip], so a tie always adds up to r·A, the unclipped slope.
    private static float SurrogateSlope(float ratio, float a, float unclipped, float clipped, float clip)
    {
        if (unclipped < clipped) return ratio * a;
        if (unclipped > clipped) return ratio >= 1f - clip && ratio <= 1f + clip ? ratio * a : 0f;
        return ratio * a;
    }

    private sealed class ClippedSurrogateNode : GradNode
    {
        public float[] Slope = [];

        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is not { } dx) return;
            int n = dx.Length;
            float scale = -output.Grad!.Span[0] / n;
            var d = dx.Span;
            for (int i = 0; i < n; i++)
            {
                float v = Slope[i] * scale;
                d[i] = acc ? d[i] + v : v;
            }
        }
    }
}
