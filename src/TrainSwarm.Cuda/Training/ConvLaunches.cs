using TrainSwarm.Cuda.Kernels;
using TrainSwarm.Cuda.Ops;

namespace TrainSwarm.Cuda.Training;

/// <summary>
/// The launches of a convolution block's kernels (<see cref="ConvKernelSource"/>) with their arguments in the kernels' order, written once
/// for the cnn trainer (<see cref="GpuConvBlock"/>) and the op checks (<see cref="GpuOps"/>), so both run exactly the same calls.
/// </summary>
internal static class ConvLaunches
{
    /// <summary>x: (B, C, H, W) → cols: (B·OH·OW, C·K·K).</summary>
    public static void Im2Col(CudaContext gpu, ConvShape s, ulong x, ulong cols) =>
        gpu.Kernels.Launch("im2col", KernelModule.GridFor((long)s.Positions * s.Columns), [x, KernelArg.Int(s.Batch), KernelArg.Int(s.Channels),
            KernelArg.Int(s.Height), KernelArg.Int(s.Width), KernelArg.Int(s.Kernel), KernelArg.Int(s.Kernel), KernelArg.Int(s.OutHeight),
            KernelArg.Int(s.OutWidth), cols]);

    /// <summary>rows: (B·OH·OW, OC) from the GEMM → y: (B, OC, OH, OW) = rows + bias, ReLU when <paramref name="relu"/>.</summary>
    public static void BiasToNchw(CudaContext gpu, ConvShape s, ulong rows, ulong bias, bool relu, ulong y) =>
        gpu.Kernels.Launch("rows_to_nchw_bias_relu", KernelModule.GridFor(s.OutputLength), [rows, bias, KernelArg.Int(s.Batch),
            KernelArg.Int(s.OutChannels), KernelArg.Int(s.OutHeight * s.OutWidth), KernelArg.Int(relu ? 1 : 0), y]);

    /// <summary>d: (B, OC, OH, OW) → rows: (B·OH·OW, OC), the GEMM layout of an output gradient.</summary>
    public static void NchwToRows(CudaContext gpu, ConvShape s, ulong d, ulong rows) =>
        gpu.Kernels.Launch("nchw_to_rows", KernelModule.GridFor(s.OutputLength), [d, KernelArg.Int(s.Batch), KernelArg.Int(s.OutChannels),
            KernelArg.Int(s.OutHeight * s.OutWidth), rows]);

    /// <summary>dcols: (B·OH·OW, C·K·K) → dx: (B, C, H, W), each input gathering the cells it fed.</summary>
    public static void Col2Im(CudaContext gpu, ConvShape s, ulong dcols, ulong dx) =>
        gpu.Kernels.Launch("col2im", KernelModule.GridFor(s.InputLength), [dcols, KernelArg.Int(s.Batch), KernelArg.Int(s.Channels),
            KernelArg.Int(s.Height), KernelArg.Int(s.Width), KernelArg.Int(s.Kernel), KernelArg.Int(s.Kernel), KernelArg.Int(s.OutHeight),
            KernelArg.Int(s.OutWidth), dx]);

    /// <summary>
    /// db: (cols) = column sums of g: (rows, cols) in two fixed-order stages: sums of blocks of <paramref name="chunk"/> rows into
    /// <paramref name="partials"/> ((rows / chunk rounded up) × cols), then the sum of the blocks.
    /// </summary>
    public static void BiasGradient(CudaContext gpu, int rows, int cols, int chunk, ulong g, ulong partials, ulong db)
    {
        int chunks = (rows + chunk - 1) / chunk;
        gpu.Kernels.Launch("column_sum_partial", KernelModule.GridFor((long)chunks * cols), [g, KernelArg.Int(rows), KernelArg.Int(cols),
            KernelArg.Int(chunk), partials]);
        gpu.Kernels.Launch("column_sum", KernelModule.GridFor(cols), [partials, KernelArg.Int(chunks), KernelArg.Int(cols), db]);
    }

    /// <summary>x: (planes, h, w) → y: (planes, h/2, w/2) and the winners' offsets in their planes.</summary>
    public static void MaxPoolForward(CudaContext gpu, int planes, int h, int w, ulong x, ulong y, ulong arg) =>
        gpu.Kernels.Launch("maxpool2_forward", KernelModule.GridFor((long)planes * (h / 2) * (w / 2)), [x, KernelArg.Int(planes), KernelArg.Int(h),
            KernelArg.Int(w), KernelArg.Int(h / 2), KernelArg.Int(w / 2), y, arg]);

    /// <summary>dy: (planes, h/2, w/2) → dx: (planes, h, w), each gradient routed to its window's winner.</summary>
    public static void MaxPoolBackward(CudaContext gpu, int planes, int h, int w, ulong dy, ulong arg, ulong dx) =>
        gpu.Kernels.Launch("maxpool2_backward", KernelModule.GridFor((long)planes * h * w), [dy, arg, KernelArg.Int(planes), KernelArg.Int(h),
            KernelArg.Int(w), KernelArg.Int(h / 2), KernelArg.Int(w / 2), dx]);
}
