using TrainSwarm.Cuda.Kernels;
using TrainSwarm.Cuda.Memory;

namespace TrainSwarm.Cuda.Training;

/// <summary>
/// Trains a stack of Linear layers with ReLU between them (the mlp preset: 784 → 128 → 10) wholly on the GPU: the
/// training set, weights, gradients and optimizer state live in device memory; per step the host only launches
/// kernels (gather the batch, GEMMs through cuBLAS, bias + ReLU, softmax-cross-entropy, bias gradients, one optimizer
/// kernel over all parameters). Parameters use PyTorch's layout and order: per layer weight (Out, In) then bias (Out).
/// </summary>
public sealed class GpuMlpTrainer : IGpuTrainer
{
    private readonly CudaContext _gpu;
    private readonly int _batch;
    private readonly GpuParameters _parameters;
    private readonly GpuTrainingSet _set;
    private readonly GpuDenseStack _stack;
    private readonly DeviceBuffer _input, _labels, _rowLoss, _loss;

    /// <summary>Uploads <paramref name="initial"/> (weight, bias per layer) for layers of <paramref name="widths"/>, e.g. [784, 128, 10].</summary>
    public GpuMlpTrainer(CudaContext gpu, IReadOnlyList<int> widths, IReadOnlyList<float[]> initial, GpuOptimizerSettings optimizer, int batchSize)
    {
        if (widths.Count < 2 || widths.Any(w => w < 1)) throw new ArgumentException("an MLP needs at least two positive widths");
        if (initial.Count != 2 * (widths.Count - 1)) throw new ArgumentException($"expected {2 * (widths.Count - 1)} parameter arrays");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _gpu = gpu;
        _batch = batchSize;
        _parameters = new GpuParameters(gpu, initial, optimizer);
        _stack = new GpuDenseStack(gpu, _parameters, 0, widths, batchSize);
        _set = new GpuTrainingSet(gpu, widths[0], widths[^1]);
        _input = gpu.Allocate((long)batchSize * widths[0]);
        _labels = gpu.Allocate(batchSize);
        _rowLoss = gpu.Allocate(batchSize);
        _loss = gpu.Allocate(1);
    }

    public long ParameterCount => _parameters.Count;

    public int Steps { get; private set; }

    public int BatchesPerEpoch => _set.Samples / _batch;

    public void UploadDataset(ReadOnlySpan<float> images, ReadOnlySpan<int> labels) => _set.Upload(images, labels);

    public void StartEpoch(ReadOnlySpan<int> order) => _set.StartEpoch(order);

    public void Step(int batchIndex)
    {
        _set.Gather(batchIndex, _batch, _input, _labels);
        _stack.Forward(_input, _labels, _rowLoss);
        _stack.Backward(_input, null);
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
        foreach (var disposable in (IDisposable[])[_stack, _set, _parameters, _input, _labels, _rowLoss, _loss]) disposable.Dispose();
    }
}
