using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TrainSwarm.Tensors.Threading;

namespace TrainSwarm.Tensors.Kernels;

/// <summary>2-d max pooling over NCHW planes, remembering each window's winner for the backward pass.</summary>
public static class MaxPool
{
    [ThreadStatic] private static ForwardJob? t_forward;
    [ThreadStatic] private static BackwardJob? t_backward;

    /// <summary>
    /// x: (B,C,H,W) -> y: (B,C,OH,OW); argmax holds the winner's offset within its input plane. Ties go to the
    /// first element in row-major window order, as in PyTorch.
    /// </summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, ConvGeometry g)
    {
        unsafe
        {
            fixed (float* px = x)
            fixed (float* py = y)
            fixed (int* pi = argmax)
            {
                var job = t_forward ??= new ForwardJob();
                (job.X, job.Y, job.Argmax, job.G) = ((nint)px, (nint)py, (nint)pi, g);
                WorkerPool.Run(job, g.Batch * g.Channels);
            }
        }
    }

    /// <summary>dx (+)= dy routed to each window's winner.</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, ConvGeometry g, bool accumulate)
    {
        if (!accumulate) dx.Clear();
        unsafe
        {
            fixed (float* pdy = dy)
            fixed (int* pi = argmax)
            fixed (float* pdx = dx)
            {
                var job = t_backward ??= new BackwardJob();
                (job.DY, job.Argmax, job.DX, job.G) = ((nint)pdy, (nint)pi, (nint)pdx, g);
                WorkerPool.Run(job, g.Batch * g.Channels);
            }
        }
    }

    private sealed unsafe class ForwardJob : RangeJob
    {
        public nint X, Y, Argmax;
        public ConvGeometry G;

        public override void Execute(int start, int end)
        {
            var g = G;
            int inPlane = g.Height * g.Width, outPlane = g.OutPlane;
            for (int p = start; p < end; p++)
            {
                float* x = (float*)X + (long)p * inPlane;
                float* y = (float*)Y + (long)p * outPlane;
                int* arg = (int*)Argmax + (long)p * outPlane;
                if (g.KernelH == 2 && g.KernelW == 2 && g.Stride == 2 && g.Padding == 0)
                    Pool2x2(x, y, arg, g);
                else
                    PoolGeneral(x, y, arg, g);
            }
        }

        // The reference CNN's case, branch-free: data-dependent branches mispredict on every other element. Rows of
        // 8 or more windows go eight at a time (AVX), 4 to 7 four at a time (SSE); a last partial block is redone
        // overlapping the one before it, which rewrites the same values.
        private static void Pool2x2(float* x, float* y, int* arg, ConvGeometry g)
        {
            int oh = g.OutH, ow = g.OutW, w = g.Width;
            int width = Avx2.IsSupported && ow >= 8 ? 8 : Sse.IsSupported && ow >= 4 ? 4 : 1;
            for (int i = 0; i < oh; i++)
            {
                int r0 = 2 * i * w, r1 = r0 + w;
                float* yRow = y + i * ow;
                int* argRow = arg + i * ow;
                for (int j = 0; j < ow; j += width)
                {
                    int at = Math.Min(j, ow - width);
                    if (width == 8) Pool8(x, r0, r1, at, yRow, argRow);
                    else if (width == 4) Pool4(x, r0, r1, at, yRow, argRow);
                    else Pool1(x, r0, r1, at, yRow, argRow);
                }
            }
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static void Pool8(float* x, int r0, int r1, int j, float* y, int* arg)
        {
            // Sixteen inputs per row give eight windows: even offsets are each window's left column, odd its right.
            var lo0 = Avx.LoadVector256(x + r0 + 2 * j);
            var hi0 = Avx.LoadVector256(x + r0 + 2 * j + 8);
            var lo1 = Avx.LoadVector256(x + r1 + 2 * j);
            var hi1 = Avx.LoadVector256(x + r1 + 2 * j + 8);
            // Shuffle picks within 128-bit lanes; Permute4x64 puts the 64-bit pairs back in order.
            var e0 = Avx2.Permute4x64(Avx.Shuffle(lo0, hi0, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
            var o0 = Avx2.Permute4x64(Avx.Shuffle(lo0, hi0, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
            var e1 = Avx2.Permute4x64(Avx.Shuffle(lo1, hi1, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
            var o1 = Avx2.Permute4x64(Avx.Shuffle(lo1, hi1, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
            var lane2 = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
            var top = lane2 + Vector256.Create(r0 + 2 * j);
            var bottom = lane2 + Vector256.Create(r1 + 2 * j);
            var m = e0;
            var idx = top;
            Take(o0, top + Vector256<int>.One, ref m, ref idx);
            Take(e1, bottom, ref m, ref idx);
            Take(o1, bottom + Vector256<int>.One, ref m, ref idx);
            m.Store(y + j);
            idx.Store(arg + j);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static void Pool4(float* x, int r0, int r1, int j, float* y, int* arg)
        {
            var lo0 = Sse.LoadVector128(x + r0 + 2 * j);
            var hi0 = Sse.LoadVector128(x + r0 + 2 * j + 4);
            var lo1 = Sse.LoadVector128(x + r1 + 2 * j);
            var hi1 = Sse.LoadVector128(x + r1 + 2 * j + 4);
            var lane2 = Vector128.Create(0, 2, 4, 6);
            var top = lane2 + Vector128.Create(r0 + 2 * j);
            var bottom = lane2 + Vector128.Create(r1 + 2 * j);
            var m = Sse.Shuffle(lo0, hi0, 0b10_00_10_00);
            var idx = top;
            Take(Sse.Shuffle(lo0, hi0, 0b11_01_11_01), top + Vector128<int>.One, ref m, ref idx);
            Take(Sse.Shuffle(lo1, hi1, 0b10_00_10_00), bottom, ref m, ref idx);
            Take(Sse.Shuffle(lo1, hi1, 0b11_01_11_01), bottom + Vector128<int>.One, ref m, ref idx);
            m.Store(y + j);
            idx.Store(arg + j);
        }

        private static void Pool1(float* x, int r0, int r1, int j, float* y, int* arg)
        {
            int o0 = r0 + 2 * j, o1 = r1 + 2 * j;
            float m = x[o0];
            int best = o0;
            Take(x[o0 + 1], o0 + 1, ref m, ref best);
            Take(x[o1], o1, ref m, ref best);
            Take(x[o1 + 1], o1 + 1, ref m, ref best);
            y[j] = m;
            arg[j] = best;
        }

        /// <summary>The candidate wins if it is larger or NaN (PyTorch's rule), so earlier elements win ties.</summary>
        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static void Take(Vector256<float> v, Vector256<int> vi, ref Vector256<float> m, ref Vector256<int> best)
        {
            var wins = Vector256.GreaterThan(v, m) | ~Vector256.Equals(v, v);
            m = Vector256.ConditionalSelect(wins, v, m);
            best = Vector256.ConditionalSelect(wins.AsInt32(), vi, best);
        }

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
        private static void Take(Vector128<float> v, Vector128<int> vi, ref Vector128<float> m, ref Vector128<int> best)
        {
            var wins = Vector128.GreaterThan(v, m) | ~Vector128.Equals(v, v);
            m = Vector128.ConditionalSelect(wins, v, m);
            best = Vector128.ConditionalSelect(wins.AsInt32(), vi, best);
        }

        // Masks rather than ternaries: the JIT turns ternaries back into branches.
        private static void Take(float v, int vi, ref float m, ref int best)
        {
            int wins = -((v > m ? 1 : 0) | (float.IsNaN(v) ? 1 : 0));
            best = (vi & wins) | (best & ~wins);
            m = BitConverter.Int32BitsToSingle((BitConverter.SingleToInt32Bits(v) & wins) | (BitConverter.SingleToInt32Bits(m) & ~wins));
        }

        private static void PoolGeneral(float* x, float* y, int* arg, ConvGeometry g)
        {
            for (int i = 0; i < g.OutH; i++)
                for (int j = 0; j < g.OutW; j++)
                {
                    float m = float.NegativeInfinity;
                    int best = -1;
                    for (int kh = 0; kh < g.KernelH; kh++)
                    {
                        int ih = i * g.Stride - g.Padding + kh;
                        if ((uint)ih >= (uint)g.Height) continue;
                        for (int kw = 0; kw < g.KernelW; kw++)
                        {
                            int iw = j * g.Stride - g.Padding + kw;
                            if ((uint)iw >= (uint)g.Width) continue;
                            float v = x[ih * g.Width + iw];
                            if (best < 0 || v > m || float.IsNaN(v)) { m = v; best = ih * g.Width + iw; }
                        }
                    }
                    y[i * g.OutW + j] = m;
                    arg[i * g.OutW + j] = best;
                }
        }
    }

    private sealed unsafe class BackwardJob : RangeJob
    {
        public nint DY, Argmax, DX;
        public ConvGeometry G;

        public override void Execute(int start, int end)
        {
            int inPlane = G.Height * G.Width, outPlane = G.OutPlane;
            for (int p = start; p < end; p++)
            {
                float* dy = (float*)DY + (long)p * outPlane;
                int* arg = (int*)Argmax + (long)p * outPlane;
                float* dx = (float*)DX + (long)p * inPlane;
                for (int o = 0; o < outPlane; o++) dx[arg[o]] += dy[o];
            }
        }
    }
}
