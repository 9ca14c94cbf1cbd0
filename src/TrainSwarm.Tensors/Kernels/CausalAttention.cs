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

    // Query rows per block of the causal products: 32 keeps OpenBLAS's tiles whole and skips most of the masked triangle.
    private const int RowBlock = 32;

    /// <summary>
    /// Rows i0..i1-1 of <paramref name="rows"/> (row i0 first, stride <paramref name="time"/>): row i keeps columns 0..i as
    /// exp(s - max) / Σ exp(s - max), 0 beyond (the causal mask).
    /// </summary>
    internal static void MaskedSoftmax(Span<float> rows, int time, int i0, int i1)
    {
        for (int i = i0; i < i1; i++)
        {
            var scores = rows.Slice((i - i0) * time);
            var row = scores.Slice(0, i + 1);
            float max = TensorPrimitives.Max(row);
            TensorPrimitives.Subtract(row, max, row);
            TensorPrimitives.Exp(row, row);
            TensorPrimitives.Divide(row, TensorPrimitives.Sum(row), row);
            scores.Slice(i + 1, time - i - 1).Clear();
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
                var ys = new Span<float>((float*)Y + (long)b * t * c + h * d, (t - 1) * c + d);
                // By blocks of query rows [i0, i1): only keys 0..i1-1 can be seen (the causal mask), so the products skip the
                // upper triangle's blocks. The blocks depend on the shape alone, so the sums do not depend on the thread count.
                for (int i0 = 0; i0 < t; i0 += RowBlock)
                {
                    int i1 = Math.Min(t, i0 + RowBlock), m = i1 - i0;
                    var rows = probs.Slice(i0 * t);
                    // S = Q·Kᵀ / √d, then the masked softmax in place (it zeroes every column past the diagonal).
                    Gemm.Sgemm(false, true, m, i1, d, S.Scale, qs.Slice(i0 * ld), ld, ks, ld, 0f, rows, t);
                    MaskedSoftmax(rows, t, i0, i1);
                    // Y = P·V into this head's columns of y.
                    Gemm.Sgemm(false, false, m, d, i1, 1f, rows, t, vs, ld, 0f, ys.Slice(i0 * c), c);
                }
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
                var dqs = new Span<float>(dq, span3);
                var dks = new Span<float>(dq + c, span3);
                var dvs = new Span<float>(dq + 2 * c, span3);
                for (int i0 = 0; i0 < t; i0 += RowBlock)
                {
                    int i1 = Math.Min(t, i0 + RowBlock), m = i1 - i0;
                    // dP = dY·Vᵀ for query rows [i0, i1) and the keys they see.
                    Gemm.Sgemm(false, true, m, i1, d, 1f, dy.Slice(i0 * c), c, vs, ld, 0f, ds.Slice(i0 * t), t);
                    // dS = P ⊙ (dP - Σ_j P·dP) on the kept entries; zero past the diagonal.
                    for (int i = i0; i < i1; i++)
                    {
                        var pr = probs.Slice(i * t, i + 1);
                        var dr = ds.Slice(i * t, i + 1);
                        float dot = TensorPrimitives.Dot(pr, dr);
                        TensorPrimitives.Subtract(dr, dot, dr);
                        TensorPrimitives.Multiply(dr, pr, dr);
                        ds.Slice(i * t + i + 1, t - i - 1).Clear();
                    }
                    // dQ = dS·K / √d.
                    Gemm.Sgemm(false, false, m, d, i1, S.Scale, ds.Slice(i0 * t), t, ks, ld, Beta, dqs.Slice(i0 * ld), ld);
                }
                // By blocks of key rows [j0, j1): only queries j0..t-1 saw them. dV = Pᵀ·dY; dK = dSᵀ·Q / √d.
                for (int j0 = 0; j0 < t; j0 += RowBlock)
                {
                    int j1 = Math.Min(t, j0 + RowBlock), n = j1 - j0, k = t - j0;
                    Gemm.Sgemm(true, false, n, d, k, 1f, probs.Slice(j0 * t + j0), t, dy.Slice(j0 * c), c, Beta, dvs.Slice(j0 * ld), ld);
                    Gemm.Sgemm(true, false, n, d, k, S.Scale, ds.Slice(j0 * t + j0), t, qs.Slice(j0 * ld), ld, Beta, dks.Slice(j0 * ld), ld);
                }
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
