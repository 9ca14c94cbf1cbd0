using System.Numerics.Tensors;
using TrainSwarm.Tensors.Threading;

namespace TrainSwarm.Tensors.Kernels;

/// <summary>
/// Causal multi-head scaled dot-product attention over a fused QKV projection, as GPT-2 / nanoGPT compute it:
/// per head, P = softmax(mask(Q·Kᵀ/√d)) and Y = P·V. qkv is (B, T, 3C) with Q, K, V side by side and head h in
/// columns h·d..(h+1)·d of each; y is (B, T, C) with the heads already merged. Every product is a strided GEMM
/// straight on those buffers (leading dimension 3C or C), so no head is ever copied or transposed. The (batch, head)
/// pairs run in parallel; each writes only its own rows and columns, so the result does not depend on the thread count.
/// </summary>
public static class CausalAttention
{
    [ThreadStatic] private static ForwardJob? t_forward;
    [ThreadStatic] private static BackwardJob? t_backward;

    /// <summary>Forward: fills <paramref name="y"/> (B·T·C) and <paramref name="probs"/> (B·H·T·T, the masked softmax).</summary>
    public static unsafe void Forward(ReadOnlySpan<float> qkv, Span<float> y, Span<float> probs, AttentionShape s)
    {
        s.Check(qkv.Length, y.Length, probs.Length);
        fixed (float* pq = qkv)
        fixed (float* py = y)
        fixed (float* pp = probs)
        {
            var job = t_forward ??= new ForwardJob();
            (job.Qkv, job.Y, job.P, job.S) = ((nint)pq, (nint)py, (nint)pp, s);
            WorkerPool.Run(job, s.Batch * s.Heads);
        }
    }

    /// <summary>
    /// Backward: writes (or adds, when <paramref name="accumulate"/>) the gradient of qkv from dy and the forward's probabilities.
    /// <paramref name="scratch"/> holds B·H·T·T floats.
    /// </summary>
    public static unsafe void Backward(ReadOnlySpan<float> qkv, ReadOnlySpan<float> probs, ReadOnlySpan<float> dy, Span<float> dqkv,
        Span<float> scratch, AttentionShape s, bool accumulate)
    {
        s.Check(qkv.Length, dy.Length, probs.Length);
        if (dqkv.Length < qkv.Length || scratch.Length < probs.Length) throw new ArgumentException("attention gradient buffers are too small");
        fixed (float* pq = qkv)
        fixed (float* pp = probs)
        fixed (float* pdy = dy)
        fixed (float* pdq = dqkv)
        fixed (float* pds = scratch)
        {
            var job = t_backward ??= new BackwardJob();
            (job.Qkv, job.P, job.Dy, job.Dqkv, job.Ds, job.S, job.Beta) = ((nint)pq, (nint)pp, (nint)pdy, (nint)pdq, (nint)pds, s, accumulate ? 1f : 0f);
            WorkerPool.Run(job, s.Batch * s.Heads);
        }
    }

    /// <summary>Row i keeps columns 0..i: exp(s - max) / Σ exp(s - max) there, 0 beyond (the causal mask).</summary>
    internal static void MaskedSoftmax(Span<float> scores, int time)
    {
        for (int i = 0; i < time; i++)
        {
            var row = scores.Slice(i * time, i + 1);
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
            scores.Slice(i * time + i + 1, time - i - 1).Clear();
        }
    }

    private sealed unsafe class ForwardJob : RangeJob
    {
        public nint Qkv, Y, P;
        public AttentionShape S;

        public override void Execute(int start, int end)
        {
            int t = S.Time, d = S.HeadDim, c = S.Channels, ld = 3 * c;
            for (int item = start; item < end; item++)
            {
                int b = item / S.Heads, h = item % S.Heads;
                float* q = (float*)Qkv + (long)b * t * ld + h * d;
                var probs = new Span<float>((float*)P + (long)item * t * t, t * t);
                var qs = new ReadOnlySpan<float>(q, (t - 1) * ld + d);
                var ks = new ReadOnlySpan<float>(q + c, (t - 1) * ld + d);
                var vs = new ReadOnlySpan<float>(q + 2 * c, (t - 1) * ld + d);
                // S = Q·Kᵀ / √d, then the masked softmax in place.
                Gemm.Sgemm(false, true, t, t, d, S.Scale, qs, ld, ks, ld, 0f, probs, t);
                MaskedSoftmax(probs, t);
                // Y = P·V into this head's columns of y.
                var ys = new Span<float>((float*)Y + (long)b * t * c + h * d, (t - 1) * c + d);
                Gemm.Sgemm(false, false, t, d, t, 1f, probs, t, vs, ld, 0f, ys, c);
            }
        }
    }

    private sealed unsafe class BackwardJob : RangeJob
    {
        public nint Qkv, P, Dy, Dqkv, Ds;
        public AttentionShape S;
        public float Beta;

        public override void Execute(int start, int end)
        {
            int t = S.Time, d = S.HeadDim, c = S.Channels, ld = 3 * c;
            int span3 = (t - 1) * ld + d, span1 = (t - 1) * c + d;
            for (int item = start; item < end; item++)
            {
                int b = item / S.Heads, h = item % S.Heads;
                long qOffset = (long)b * t * ld + h * d;
                float* q = (float*)Qkv + qOffset;
                float* dq = (float*)Dqkv + qOffset;
                var probs = new ReadOnlySpan<float>((float*)P + (long)item * t * t, t * t);
                var ds = new Span<float>((float*)Ds + (long)item * t * t, t * t);
                var dy = new ReadOnlySpan<float>((float*)Dy + (long)b * t * c + h * d, span1);
                var qs = new ReadOnlySpan<float>(q, span3);
                var ks = new ReadOnlySpan<float>(q + c, span3);
                var vs = new ReadOnlySpan<float>(q + 2 * c, span3);
                // dV = Pᵀ·dY; dP = dY·Vᵀ.
                Gemm.Sgemm(true, false, t, d, t, 1f, probs, t, dy, c, Beta, new Span<float>(dq + 2 * c, span3), ld);
                Gemm.Sgemm(false, true, t, t, d, 1f, dy, c, vs, ld, 0f, ds, t);
                // dS = P ⊙ (dP - Σ_j P·dP) on the kept entries (masked ones have P = 0, so they get 0).
                for (int i = 0; i < t; i++)
                {
                    var pr = probs.Slice(i * t, i + 1);
                    var dr = ds.Slice(i * t, i + 1);
                    float dot = TensorPrimitives.Dot(pr, dr);
                    TensorPrimitives.Subtract(dr, dot, dr);
                    TensorPrimitives.Multiply(dr, pr, dr);
                    ds.Slice(i * t + i + 1, t - i - 1).Clear();
                }
                // dQ = dS·K / √d; dK = dSᵀ·Q / √d.
                Gemm.Sgemm(false, false, t, d, t, S.Scale, ds, t, ks, ld, Beta, new Span<float>(dq, span3), ld);
                Gemm.Sgemm(true, false, t, d, t, S.Scale, ds, t, qs, ld, Beta, new Span<float>(dq + c, span3), ld);
            }
        }
    }
}

/// <summary>The sizes of one attention call: batch, sequence length, heads, model width (heads × head size).</summary>
public readonly record struct AttentionShape(int Batch, int Time, int Heads, int Channels)
{
    /// <summary>Channels per head.</summary>
    public int HeadDim => Channels / Heads;

    /// <summary>1/√(head size), the scaled dot-product's factor.</summary>
    public float Scale => 1f / MathF.Sqrt(HeadDim);

    internal void Check(int qkvLength, int yLength, int probsLength)
    {
        if (Batch < 1 || Time < 1 || Heads < 1 || Channels < 1 || Channels % Heads != 0)
            throw new ArgumentException($"attention needs positive sizes and channels divisible by heads; got {this}");
        if (qkvLength < (long)Batch * Time * 3 * Channels || yLength < (long)Batch * Time * Channels || probsLength < (long)Batch * Heads * Time * Time)
            throw new ArgumentException($"attention buffers are smaller than {this} needs");
    }
}
