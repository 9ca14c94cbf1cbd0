using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>
    /// GRPO's per-token objective (Shao et al. 2024, DeepSeekMath eq. 3), negated to be minimized, as a weighted sum over tokens:
    /// loss = Σᵢ wᵢ · ( -min(rᵢ·Aᵢ, clamp(rᵢ, 1 - clip, 1 + clip)·Aᵢ) + β·(exp(refᵢ - lpᵢ) - (refᵢ - lpᵢ) - 1) ),
    /// rᵢ = exp(lpᵢ - oldᵢ) against the sampling policy, the KL term the k3 estimator against the reference policy.
    /// The weights carry the mask and the averaging (0 outside completions, 1/(groups·G·|oᵢ|) inside, as DeepSeekMath's
    /// 1/G Σ 1/|oᵢ| Σₜ), so the caller decides the normalization. logProb: (N) -> a scalar; the other inputs are constants.
    /// </summary>
    public static Tensor GrpoObjective(Tensor logProb, ReadOnlySpan<float> oldLogProb, ReadOnlySpan<float> refLogProb, ReadOnlySpan<float> advantages,
        ReadOnlySpan<float> weights, float clip, float klCoef)
    {
        if (logProb.Rank != 1) throw new ArgumentException($"the GRPO objective needs log-probabilities (N); got {logProb.ShapeText}");
        int n = logProb.Size(0);
        if (n == 0) throw new ArgumentException("the GRPO objective of no tokens is undefined");
        if (oldLogProb.Length != n || refLogProb.Length != n || advantages.Length != n || weights.Length != n)
            throw new ArgumentException($"the GRPO objective got {oldLogProb.Length} old and {refLogProb.Length} reference log-probabilities, " +
                $"{advantages.Length} advantages and {weights.Length} weights for {n} tokens");
        if (!(clip >= 0)) throw new ArgumentOutOfRangeException(nameof(clip), "the clip range must be non-negative");
        if (!(klCoef >= 0)) throw new ArgumentOutOfRangeException(nameof(klCoef), "the KL coefficient must be non-negative");

        bool record = GradMode.ShouldRecord(logProb);
        // Per token: d loss / d lpᵢ, kept for backward (it depends only on constants and lpᵢ).
        var slope = record ? TensorPool.Rent(n) : null;
        var lp = logProb.Span;
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            float w = weights[i];
            if (w == 0)
            {
                // A masked token contributes nothing, not even NaN from padding's log-probabilities.
                if (slope is not null) slope[i] = 0;
                continue;
            }
            float ratio = MathF.Exp(lp[i] - oldLogProb[i]);
            float a = advantages[i];
            float unclipped = ratio * a;
            float clipped = Math.Clamp(ratio, 1f - clip, 1f + clip) * a;
            float logRefRatio = refLogProb[i] - lp[i];
            float refRatio = MathF.Exp(logRefRatio);
            float kl = refRatio - logRefRatio - 1f;
            total += (double)w * (-MathF.Min(unclipped, clipped) + klCoef * kl);
            // d/dlp of k3 = exp(ref - lp) - (ref - lp) - 1 is 1 - exp(ref - lp).
            if (slope is not null) slope[i] = w * (-SurrogateSlope(ratio, a, unclipped, clipped, clip) + klCoef * (1f - refRatio));
        }
        var loss = Tensor.Empty();
        loss.Span[0] = (float)total;
        if (record)
        {
            TensorScope.TrackBuffer(slope!);
            loss.RequiresGrad = true;
            loss.GradFn = new GrpoObjectiveNode { Input0 = logProb, Slope = slope! };
        }
        return loss;
    }

    private sealed class GrpoObjectiveNode : GradNode
    {
        public float[] Slope = [];

        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is not { } dx) return;
            int n = dx.Length;
            float scale = output.Grad!.Span[0];
            var d = dx.Span;
            for (int i = 0; i < n; i++)
            {
                float v = Slope[i] * scale;
                d[i] = acc ? d[i] + v : v;
            }
        }
    }
}
