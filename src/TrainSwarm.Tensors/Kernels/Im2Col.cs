using System.Numerics.Tensors;
using TrainSwarm.Tensors.Threading;

namespace TrainSwarm.Tensors.Kernels;

/// <summary>
/// Lowers convolution to GEMM. The column matrix is (C·KH·KW) × (B·OH·OW): row (c, kh, kw), column (b, oh, ow),
/// so one GEMM covers the whole batch.
/// </summary>
public static class Im2Col
{
    [ThreadStatic] private static Im2ColJob? t_im2col;
    [ThreadStatic] private static Col2ImJob? t_col2im;

    /// <summary>x: (B,C,H,W) -> cols: (C·KH·KW, B·OH·OW). Parallel over rows.</summary>
    public static void Forward(ReadOnlySpan<float> x, Span<float> cols, ConvGeometry g)
    {
        unsafe
        {
            fixed (float* px = x)
            fixed (float* pc = cols)
            {
                var job = t_im2col ??= new Im2ColJob();
                job.X = px;
                job.Cols = pc;
                job.G = g;
                WorkerPool.Run(job, g.PatchSize);
            }
        }
    }

    /// <summary>dx (B,C,H,W) (+)= scatter of dcols (C·KH·KW, B·OH·OW). Parallel over channels, which own disjoint parts of dx.</summary>
    public static void Backward(ReadOnlySpan<float> dcols, Span<float> dx, ConvGeometry g, bool accumulate)
    {
        if (!accumulate) dx.Clear();
        unsafe
        {
            fixed (float* pd = dcols)
            fixed (float* px = dx)
            {
                var job = t_col2im ??= new Col2ImJob();
                job.DCols = pd;
                job.DX = px;
                job.G = g;
                WorkerPool.Run(job, g.Channels);
            }
        }
    }

    private sealed unsafe class Im2ColJob : RangeJob
    {
        public float* X, Cols;
        public ConvGeometry G;

        public override void Execute(int start, int end)
        {
            var g = G;
            int oh = g.OutH, ow = g.OutW, cols = g.Columns, plane = g.Height * g.Width;
            for (int r = start; r < end; r++)
            {
                int c = r / (g.KernelH * g.KernelW), kh = r / g.KernelW % g.KernelH, kw = r % g.KernelW;
                float* dstRow = Cols + (long)r * cols;
                for (int b = 0; b < g.Batch; b++)
                {
                    float* src = X + ((long)b * g.Channels + c) * plane;
                    float* dst = dstRow + (long)b * oh * ow;
                    for (int y = 0; y < oh; y++, dst += ow)
                    {
                        int ih = y * g.Stride - g.Padding + kh;
                        if ((uint)ih >= (uint)g.Height)
                        {
                            new Span<float>(dst, ow).Clear();
                            continue;
                        }
                        float* srcRow = src + ih * g.Width;
                        if (g.Stride == 1)
                        {
                            // Valid output columns are those with 0 <= ow - P + kw < W; the rest are padding.
                            int iw0 = kw - g.Padding;
                            int lo = Math.Max(0, -iw0), hi = Math.Min(ow, g.Width - iw0);
                            for (int x = 0; x < lo; x++) dst[x] = 0;
                            if (hi > lo) new ReadOnlySpan<float>(srcRow + iw0 + lo, hi - lo).CopyTo(new Span<float>(dst + lo, hi - lo));
                            for (int x = Math.Max(hi, lo); x < ow; x++) dst[x] = 0;
                        }
                        else
                        {
                            for (int x = 0; x < ow; x++)
                            {
                                int iw = x * g.Stride - g.Padding + kw;
                                dst[x] = (uint)iw < (uint)g.Width ? srcRow[iw] : 0;
                            }
                        }
                    }
                }
            }
        }
    }

    private sealed unsafe class Col2ImJob : RangeJob
    {
        public float* DCols, DX;
        public ConvGeometry G;

        public override void Execute(int start, int end)
        {
            var g = G;
            int oh = g.OutH, ow = g.OutW, cols = g.Columns, plane = g.Height * g.Width;
            for (int c = start; c < end; c++)
                for (int kh = 0; kh < g.KernelH; kh++)
                    for (int kw = 0; kw < g.KernelW; kw++)
                    {
                        float* srcRow = DCols + (long)((c * g.KernelH + kh) * g.KernelW + kw) * cols;
                        for (int b = 0; b < g.Batch; b++)
                        {
                            float* dxPlane = DX + ((long)b * g.Channels + c) * plane;
                            float* src = srcRow + (long)b * oh * ow;
                            for (int y = 0; y < oh; y++, src += ow)
                            {
                                int ih = y * g.Stride - g.Padding + kh;
                                if ((uint)ih >= (uint)g.Height) continue;
                                float* dstRow = dxPlane + ih * g.Width;
                                if (g.Stride == 1)
                                {
                                    int iw0 = kw - g.Padding;
                                    int lo = Math.Max(0, -iw0), hi = Math.Min(ow, g.Width - iw0);
                                    if (hi > lo)
                                    {
                                        var d = new Span<float>(dstRow + iw0 + lo, hi - lo);
                                        TensorPrimitives.Add(d, new ReadOnlySpan<float>(src + lo, hi - lo), d);
                                    }
                                }
                                else
                                {
                                    for (int x = 0; x < ow; x++)
                                    {
                                        int iw = x * g.Stride - g.Padding + kw;
                                        if ((uint)iw < (uint)g.Width) dstRow[iw] += src[x];
                                    }
                                }
                            }
                        }
                    }
        }
    }
}
