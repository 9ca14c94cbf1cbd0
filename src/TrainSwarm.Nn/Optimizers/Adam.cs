using System.Runtime.Intrinsics;
using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Optimizers;

/// <summary>
/// Adam (torch.optim.Adam) and, with <c>decoupled</c>, AdamW (torch.optim.AdamW). The arithmetic follows
/// PyTorch's single-tensor implementation step by step so results match it to float rounding.
/// </summary>
public class Adam : Optimizer
{
    private readonly Tensor[] _m, _v;
    private readonly float[] _decay;
    private readonly bool _decoupled;

    public Adam(IReadOnlyList<Tensor> parameters, float lr = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0f)
        : this(parameters, lr, beta1, beta2, eps, weightDecay, decoupled: false)
    {
    }

    protected Adam(IReadOnlyList<Tensor> parameters, float lr, float beta1, float beta2, float eps, float weightDecay, bool decoupled)
        : this(parameters, parameters.Select(_ => weightDecay).ToArray(), lr, beta1, beta2, eps, weightDecay, decoupled)
    {
    }

    /// <summary>With one weight decay per parameter (PyTorch's parameter groups: e.g. none on biases and norms).</summary>
    protected Adam(IReadOnlyList<Tensor> parameters, IReadOnlyList<float> decayPerParameter, float lr, float beta1, float beta2, float eps,
        float weightDecay, bool decoupled)
        : base(parameters)
    {
        if (decayPerParameter.Count != parameters.Count) throw new ArgumentException("one weight decay per parameter is needed");
        if (decayPerParameter.Any(d => d < 0)) throw new ArgumentException("weight decay must be non-negative");
        _decay = [.. decayPerParameter];
        if (lr < 0 || eps < 0 || weightDecay < 0) throw new ArgumentException("lr, eps and weight decay must be non-negative");
        if (beta1 is < 0 or >= 1 || beta2 is < 0 or >= 1) throw new ArgumentException("betas must be in [0, 1)");
        LearningRate = lr;
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        _decoupled = decoupled;
        _m = NewState();
        _v = NewState();
    }

    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Eps { get; }
    public float WeightDecay { get; }

    /// <summary>Steps taken so far (the bias-correction exponent).</summary>
    public int StepCount { get; private set; }

    /// <inheritdoc/>
    public override IReadOnlyList<Tensor> State => [.. _m, .. _v];

    /// <inheritdoc/>
    public override void Resume(int stepsTaken)
    {
        base.Resume(stepsTaken);
        StepCount = stepsTaken;
    }

    public override void Step()
    {
        StepCount++;
        double bc1 = 1 - Math.Pow(Beta1, StepCount);
        double bc2 = 1 - Math.Pow(Beta2, StepCount);
        float stepSize = (float)(LearningRate / bc1);
        float bc2Sqrt = (float)Math.Sqrt(bc2);
        for (int i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            if (p.Grad is null) continue;
            Update(p.Span, p.Grad.Span, _m[i].Span, _v[i].Span, stepSize, bc2Sqrt, _decay[i]);
        }
    }

    private void Update(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v, float stepSize, float bc2Sqrt, float weightDecay)
    {
        float b1 = Beta1, b2 = Beta2, omb1 = 1 - Beta1, omb2 = 1 - Beta2, eps = Eps, lr = LearningRate;
        float l2 = _decoupled ? 0 : weightDecay;
        float shrink = _decoupled ? 1 - lr * weightDecay : 1;
        int j = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vb1 = Vector256.Create(b1); var vb2 = Vector256.Create(b2);
            var vomb1 = Vector256.Create(omb1); var vomb2 = Vector256.Create(omb2);
            var vStep = Vector256.Create(stepSize); var vBc2 = Vector256.Create(bc2Sqrt);
            var vEps = Vector256.Create(eps); var vL2 = Vector256.Create(l2); var vShrink = Vector256.Create(shrink);
            for (; j <= w.Length - 8; j += 8)
            {
                var wj = Vector256.Create(w.Slice(j, 8));
                var gj = Vector256.Create(g.Slice(j, 8));
                if (l2 != 0) gj += vL2 * wj;
                if (shrink != 1) wj *= vShrink;
                var mj = vb1 * Vector256.Create(m.Slice(j, 8)) + vomb1 * gj;
                var vj = vb2 * Vector256.Create(v.Slice(j, 8)) + vomb2 * (gj * gj);
                var denom = Vector256.Sqrt(vj) / vBc2 + vEps;
                wj -= vStep * (mj / denom);
                mj.CopyTo(m.Slice(j, 8));
                vj.CopyTo(v.Slice(j, 8));
                wj.CopyTo(w.Slice(j, 8));
            }
        }
        for (; j < w.Length; j++)
        {
            float gj = g[j];
            if (l2 != 0) gj += l2 * w[j];
            if (shrink != 1) w[j] *= shrink;
            m[j] = b1 * m[j] + omb1 * gj;
            v[j] = b2 * v[j] + omb2 * (gj * gj);
            float denom = MathF.Sqrt(v[j]) / bc2Sqrt + eps;
            w[j] -= stepSize * (m[j] / denom);
        }
    }
}
