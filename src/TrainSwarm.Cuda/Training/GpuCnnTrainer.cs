using TrainSwarm.Cuda.Memory;

namespace TrainSwarm.Cuda.Training;

/// <summary>
/// Trains convolution blocks (Conv2d → ReLU → MaxPool2d(2) each) followed by a Flatten and Linear layers with ReLU between,
/// wholly on the GPU: the cnn preset is input (1, 28, 28), blocks of 32 and 64 channels with 3×3 kernels, then
/// 1600 → 128 → 10. Parameters in PyTorch's order: each conv's weight (OC, C, K, K) and bias, then each Linear's.
/// </summary>
public sealed class GpuCnnTrainer : IGpuTrainer
{
    private readonly CudaContext _gpu;
    private readonly int _batch;
    private readonly GpuParameters _parameters;
    private readonly GpuTrainingSet _set;
    private readonly GpuConvBlock[] _blocks;
    private readonly GpuDenseStack _head;
    private readonly DeviceBuffer _input, _labels, _rowLoss, _loss;

    /// <param name="input">One sample's shape (C, H, W).</param>
    /// <param name="convChannels">Output channels of each block, e.g. [32, 64].</param>
    /// <param name="denseWidths">Widths of the Linear layers after the flatten, without its input, e.g. [128, 10].</param>
    public GpuCnnTrainer(CudaContext gpu, (int Channels, int Height, int Width) input, IReadOnlyList<int> convChannels, int kernel,
        IReadOnlyList<int> denseWidths, IReadOnlyList<float[]> initial, GpuOptimizerSettings optimizer, int batchSize)
    {
        if (convChannels.Count == 0 || denseWidths.Count == 0) throw new ArgumentException("a CNN needs a convolution block and a Linear layer");
        if (initial.Count != 2 * (convChannels.Count + denseWidths.Count))
            throw new ArgumentException($"expected {2 * (convChannels.Count + denseWidths.Count)} parameter arrays");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _gpu = gpu;
        _batch = batchSize;
        _parameters = new GpuParameters(gpu, initial, optimizer);
        _blocks = new GpuConvBlock[convChannels.Count];
        var shape = input;
        for (int b = 0; b < convChannels.Count; b++)
        {
            _blocks[b] = new GpuConvBlock(gpu, _parameters, 2 * b, batchSize, shape, convChannels[b], kernel, needsInputGradient: b > 0);
            shape = _blocks[b].OutputShape;
        }
        int flat = shape.Channels * shape.Height * shape.Width;
        _head = new GpuDenseStack(gpu, _parameters, 2 * convChannels.Count, [flat, .. denseWidths], batchSize);
        int features = input.Channels * input.Height * input.Width;
        _set = new GpuTrainingSet(gpu, features, denseWidths[^1]);
        _input = gpu.Allocate((long)batchSize * features);
        _labels = gpu.Allocate(batchSize);
        _rowLoss = gpu.Allocate(batchSize);
        _loss = gpu.Allocate(1);
    }

    /// <summary>The cnn preset of <c>ModelPresets</c>.</summary>
    public static GpuCnnTrainer Preset(CudaContext gpu, IReadOnlyList<float[]> initial, GpuOptimizerSettings optimizer, int batchSize) =>
        new(gpu, (1, 28, 28), [32, 64], 3, [128, 10], initial, optimizer, batchSize);

    public long ParameterCount => _parameters.Count;

    public int Steps { get; private set; }

    public int BatchesPerEpoch => _set.Samples / _batch;

    public void UploadDataset(ReadOnlySpan<float> images, ReadOnlySpan<int> labels) => _set.Upload(images, labels);

    public void StartEpoch(ReadOnlySpan<int> order) => _set.StartEpoch(order);

    public void Step(int batchIndex)
    {
        _set.Gather(batchIndex, _batch, _input, _labels);
        var x = _input;
        foreach (var block in _blocks)
        {
            block.Forward(x);
            x = block.Output;
        }
        // The last block's (B, OC, H', W') output is the flatten's (B, OC·H'·W') in PyTorch's order, as it lies.
        _head.Forward(x, _labels, _rowLoss);
        _head.Backward(x, _blocks[^1].OutputGradient);
        for (int b = _blocks.Length - 1; b >= 0; b--) _blocks[b].Backward(b > 0 ? _blocks[b - 1].OutputGradient : null);
        _parameters.Update(++Steps);
    }

    public float LastLoss() => GpuLoss.Mean(_gpu, _rowLoss, _batch, _loss);

    public float[][] DownloadParameters() => _parameters.Download();

    public float[][] DownloadOptimizerState() => _parameters.DownloadState();

    public void Resume(IReadOnlyList<float[]> optimizerState, int stepsTaken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepsTaken);
        _parameters.UploadState(optimizerState);
        Steps = stepsTaken;
    }

    public void Dispose()
    {
        foreach (var disposable in (IDisposable[])[_head, .. _blocks, _set, _parameters, _input, _labels, _rowLoss, _loss]) disposable.Dispose();
    }
}
