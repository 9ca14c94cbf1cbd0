using TrainSwarm.Cuda.Kernels;
using TrainSwarm.Cuda.Memory;
using TrainSwarm.Cuda.Ops;

namespace TrainSwarm.Cuda.Training;

/// <summary>
/// Conv2d(C, OC, K) (stride 1, no padding) → ReLU → MaxPool2d(2), NCHW, the cnn preset's repeated block. The convolution
/// is im2col + one cuBLAS GEMM; weight (OC, C, K, K) and bias (OC) are parameter tensors <c>weightTensor</c> and the next.
/// </summary>
internal sealed class GpuConvBlock : IDisposable
{
    // Rows per partial sum of the bias gradient: enough threads to fill the GPU, few enough partials to finish in one pass.
    internal const int BiasChunk = 256;

    private readonly CudaContext _gpu;
    private readonly GpuParameters _parameters;
    private readonly int _weight, _batch, _channels, _height, _width, _outChannels, _kernel;
    private readonly DeviceBuffer _cols, _rows, _activation, _argmax, _activationGrad, _rowsGrad, _biasPartials;
    private readonly DeviceBuffer? _colsGrad;

    public GpuConvBlock(CudaContext gpu, GpuParameters parameters, int weightTensor, int batch, (int Channels, int Height, int Width) input,
        int outChannels, int kernel, bool needsInputGradient)
    {
        (_channels, _height, _width) = input;
        if (_height < kernel + 1 || _width < kernel + 1)
            throw new ArgumentException($"a {_height}×{_width} input is too small for a {kernel}×{kernel} convolution and 2×2 pooling");
        if (parameters.Length(weightTensor) != (long)outChannels * _channels * kernel * kernel || parameters.Length(weightTensor + 1) != outChannels)
            throw new ArgumentException($"conv {_channels} → {outChannels} ({kernel}×{kernel}) has parameters of the wrong size");
        _gpu = gpu;
        _parameters = parameters;
        _weight = weightTensor;
        _batch = batch;
        _outChannels = outChannels;
        _kernel = kernel;
        long positions = (long)batch * ConvHeight * ConvWidth;
        _cols = gpu.Allocate(positions * Columns);
        _rows = gpu.Allocate(positions * outChannels);
        _activation = gpu.Allocate(positions * outChannels);
        _activationGrad = gpu.Allocate(positions * outChannels);
        _rowsGrad = gpu.Allocate(positions * outChannels);
        _biasPartials = gpu.Allocate((positions + BiasChunk - 1) / BiasChunk * outChannels);
        _colsGrad = needsInputGradient ? gpu.Allocate(positions * Columns) : null;
        long pooled = (long)batch * outChannels * PooledHeight * PooledWidth;
        Output = gpu.Allocate(pooled);
        OutputGradient = gpu.Allocate(pooled);
        _argmax = gpu.Allocate(pooled);
    }

    /// <summary>The block's output shape per sample, (OC, H', W') after pooling.</summary>
    public (int Channels, int Height, int Width) OutputShape => (_outChannels, PooledHeight, PooledWidth);

    /// <summary>The pooled output: (B, OC, H', W').</summary>
    public DeviceBuffer Output { get; }

    /// <summary>Where the next layer writes the gradient of <see cref="Output"/> before <see cref="Backward"/>.</summary>
    public DeviceBuffer OutputGradient { get; }

    private int ConvHeight => _height - _kernel + 1;
    private int ConvWidth => _width - _kernel + 1;
    private int PooledHeight => ConvHeight / 2;
    private int PooledWidth => ConvWidth / 2;
    private int Columns => _channels * _kernel * _kernel;
    private int Positions => _batch * ConvHeight * ConvWidth;

    private ConvShape Shape => new(_batch, _channels, _height, _width, _outChannels, _kernel);

    // x: (B,C,H,W) -> cols: (P, C·K·K) -> rows: (P, OC) = cols · Wᵀ -> act: (B,OC,OH,OW) = ReLU(rows + b) -> Output.
    public void Forward(DeviceBuffer input)
    {
        var s = Shape;
        ConvLaunches.Im2Col(_gpu, s, input.Address, _cols.Address);
        _gpu.Gemm(false, true, Positions, _outChannels, Columns, _cols.Address, _parameters.Value(_weight), _rows.Address);
        ConvLaunches.BiasToNchw(_gpu, s, _rows.Address, _parameters.Value(_weight + 1), relu: true, _activation.Address);
        ConvLaunches.MaxPoolForward(_gpu, _batch * _outChannels, ConvHeight, ConvWidth, _activation.Address, Output.Address, _argmax.Address);
    }

    // OutputGradient -> dact (pool winners, ReLU mask) -> drows: (P, OC); dW = drowsᵀ · cols, db = column sums of drows,
    // and, when asked, dcols = drows · W -> dx: (B,C,H,W) by col2im.
    public void Backward(DeviceBuffer? inputGradient)
    {
        var s = Shape;
        long elements = (long)Positions * _outChannels;
        ConvLaunches.MaxPoolBackward(_gpu, _batch * _outChannels, ConvHeight, ConvWidth, OutputGradient.Address, _argmax.Address,
            _activationGrad.Address);
        _gpu.Kernels.Launch("relu_backward", KernelModule.GridFor(elements), [_activationGrad.Address, _activation.Address, KernelArg.Long(elements)]);
        ConvLaunches.NchwToRows(_gpu, s, _activationGrad.Address, _rowsGrad.Address);
        _gpu.Gemm(true, false, _outChannels, Columns, Positions, _rowsGrad.Address, _cols.Address, _parameters.Gradient(_weight));
        ConvLaunches.BiasGradient(_gpu, Positions, _outChannels, BiasChunk, _rowsGrad.Address, _biasPartials.Address, _parameters.Gradient(_weight + 1));
        if (inputGradient is null) return;
        if (_colsGrad is null) throw new InvalidOperationException("this block was built without an input gradient");
        _gpu.Gemm(false, false, Positions, Columns, _outChannels, _rowsGrad.Address, _parameters.Value(_weight), _colsGrad.Address);
        ConvLaunches.Col2Im(_gpu, s, _colsGrad.Address, inputGradient.Address);
    }

    public void Dispose()
    {
        foreach (var buffer in (DeviceBuffer?[])[_cols, _rows, _activation, _argmax, _activationGrad, _rowsGrad, _biasPartials, _colsGrad,
                     Output, OutputGradient])
            buffer?.Dispose();
    }
}
