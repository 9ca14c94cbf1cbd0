namespace TrainSwarm.Cuda.Ops;

/// <summary>A valid (stride 1, no padding) convolution of a (Batch, Channels, Height, Width) input with OutChannels kernels of Kernel×Kernel.</summary>
public sealed record ConvShape(int Batch, int Channels, int Height, int Width, int OutChannels, int Kernel)
{
    public int OutHeight => Height - Kernel + 1;

    public int OutWidth => Width - Kernel + 1;

    /// <summary>Output positions over the batch: the GEMM's rows.</summary>
    public int Positions => Batch * OutHeight * OutWidth;

    /// <summary>Values per position of the im2col matrix: the GEMM's inner size.</summary>
    public int Columns => Channels * Kernel * Kernel;

    public long InputLength => (long)Batch * Channels * Height * Width;

    public long OutputLength => (long)Positions * OutChannels;

    public long WeightLength => (long)OutChannels * Columns;
}
