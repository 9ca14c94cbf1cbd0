namespace TrainSwarm.Tensors.Kernels;

/// <summary>Sizes of a 2-d convolution or pooling window over an NCHW input.</summary>
public readonly record struct ConvGeometry(int Batch, int Channels, int Height, int Width,
    int KernelH, int KernelW, int Stride, int Padding)
{
    /// <summary>Output height: floor((H + 2P - KH) / S) + 1.</summary>
    public int OutH => (Height + 2 * Padding - KernelH) / Stride + 1;

    /// <summary>Output width: floor((W + 2P - KW) / S) + 1.</summary>
    public int OutW => (Width + 2 * Padding - KernelW) / Stride + 1;

    /// <summary>Output positions per image.</summary>
    public int OutPlane => OutH * OutW;

    /// <summary>Rows of the im2col matrix: C * KH * KW.</summary>
    public int PatchSize => Channels * KernelH * KernelW;

    /// <summary>Columns of the im2col matrix: B * OH * OW.</summary>
    public int Columns => Batch * OutPlane;

    /// <summary>Throws a clear error when the window does not fit the input.</summary>
    public void Validate()
    {
        if (Stride < 1) throw new ArgumentException("stride must be at least 1");
        if (Padding < 0) throw new ArgumentException("padding must be non-negative");
        if (KernelH < 1 || KernelW < 1) throw new ArgumentException("kernel size must be at least 1");
        if (Height + 2 * Padding < KernelH || Width + 2 * Padding < KernelW)
            throw new ArgumentException($"a {KernelH}×{KernelW} window does not fit a {Height}×{Width} input with padding {Padding}");
    }
}
