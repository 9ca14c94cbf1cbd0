namespace TrainSwarm.Tensors.Kernels;

/// <summary>Straightforward loops for convolution and pooling: the twins the fast kernels are tested against.</summary>
public static class NaiveKernels
{
    /// <summary>Direct convolution. x: (B,C,H,W), w: (OC,C,KH,KW), b: (OC) -> y: (B,OC,OH,OW).</summary>
    public static void Conv2dForward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y, ConvGeometry g, int outChannels)
    {
        for (int b = 0; b < g.Batch; b++)
            for (int oc = 0; oc < outChannels; oc++)
                for (int i = 0; i < g.OutH; i++)
                    for (int j = 0; j < g.OutW; j++)
                    {
                        float sum = bias.IsEmpty ? 0 : bias[oc];
                        for (int c = 0; c < g.Channels; c++)
                            for (int kh = 0; kh < g.KernelH; kh++)
                                for (int kw = 0; kw < g.KernelW; kw++)
                                {
                                    int ih = i * g.Stride - g.Padding + kh, iw = j * g.Stride - g.Padding + kw;
                                    if ((uint)ih >= (uint)g.Height || (uint)iw >= (uint)g.Width) continue;
                                    sum += x[((b * g.Channels + c) * g.Height + ih) * g.Width + iw]
                                         * w[((oc * g.Channels + c) * g.KernelH + kh) * g.KernelW + kw];
                                }
                        y[((b * outChannels + oc) * g.OutH + i) * g.OutW + j] = sum;
                    }
    }

    /// <summary>Direct convolution backward: gradients of x, w and b from dy (all overwritten).</summary>
    public static void Conv2dBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> dy,
        Span<float> dx, Span<float> dw, Span<float> db, ConvGeometry g, int outChannels)
    {
        dx.Clear();
        dw.Clear();
        db.Clear();
        for (int b = 0; b < g.Batch; b++)
            for (int oc = 0; oc < outChannels; oc++)
                for (int i = 0; i < g.OutH; i++)
                    for (int j = 0; j < g.OutW; j++)
                    {
                        float d = dy[((b * outChannels + oc) * g.OutH + i) * g.OutW + j];
                        db[oc] += d;
                        for (int c = 0; c < g.Channels; c++)
                            for (int kh = 0; kh < g.KernelH; kh++)
                                for (int kw = 0; kw < g.KernelW; kw++)
                                {
                                    int ih = i * g.Stride - g.Padding + kh, iw = j * g.Stride - g.Padding + kw;
                                    if ((uint)ih >= (uint)g.Height || (uint)iw >= (uint)g.Width) continue;
                                    int xi = ((b * g.Channels + c) * g.Height + ih) * g.Width + iw;
                                    int wi = ((oc * g.Channels + c) * g.KernelH + kh) * g.KernelW + kw;
                                    dx[xi] += d * w[wi];
                                    dw[wi] += d * x[xi];
                                }
                    }
    }

    /// <summary>Max pooling by scanning each window; returns winners' plane offsets like the fast kernel.</summary>
    public static void MaxPoolForward(ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, ConvGeometry g)
    {
        int inPlane = g.Height * g.Width;
        for (int p = 0; p < g.Batch * g.Channels; p++)
            for (int i = 0; i < g.OutH; i++)
                for (int j = 0; j < g.OutW; j++)
                {
                    float m = float.NegativeInfinity;
                    int best = -1;
                    for (int kh = 0; kh < g.KernelH; kh++)
                        for (int kw = 0; kw < g.KernelW; kw++)
                        {
                            int ih = i * g.Stride - g.Padding + kh, iw = j * g.Stride - g.Padding + kw;
                            if ((uint)ih >= (uint)g.Height || (uint)iw >= (uint)g.Width) continue;
                            float v = x[p * inPlane + ih * g.Width + iw];
                            if (best < 0 || v > m || float.IsNaN(v)) { m = v; best = ih * g.Width + iw; }
                        }
                    int o = (p * g.OutH + i) * g.OutW + j;
                    y[o] = m;
                    argmax[o] = best;
                }
    }

    /// <summary>Scalar twin of any unary operator's vector loop.</summary>
    public static void Unary<TOp>(ReadOnlySpan<float> x, Span<float> dst) where TOp : IUnaryOperator
    {
        for (int i = 0; i < x.Length; i++) dst[i] = TOp.Invoke(x[i]);
    }

    /// <summary>ReLU written out: max(x, 0) with NaN kept.</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = float.IsNaN(x[i]) || x[i] > 0 ? x[i] : 0;
    }

    /// <summary>Scalar twin of any binary operator's vector loop.</summary>
    public static void Binary<TOp>(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) where TOp : IBinaryOperator
    {
        for (int i = 0; i < a.Length; i++) dst[i] = TOp.Invoke(a[i], b[i]);
    }
}
