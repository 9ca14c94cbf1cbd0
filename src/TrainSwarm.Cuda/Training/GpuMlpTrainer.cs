using TrainSwarm.Cuda.Kernels;
using TrainSwarm.Cuda.Memory;

namespace TrainSwarm.Cuda.Training;

/// <summary>
/// Trains a stack of Linear layers with ReLU between them (the mlp preset: 784 → 128 → 10) wholly on the GPU: the
/// training set, weights, gradients and optimizer state live in device memory; per step the host only launches
/// kernels (gather the batch, GEMMs through cuBLAS, bias + ReLU, softmax-cross-entropy, bias gradients, one optimizer
/// kernel over all parameters). Weights go in once and come out when asked, the edges of a round.
/// Parameters use PyTorch's layout and order: per layer weight (Out, In) then bias (Out).
/// </summary>
public sealed class GpuMlpTrainer : IDisposable
{
    private readonly CudaContext _gpu;
    private readonly int[] _widths;
    private readonly int _batch;
    private readonly GpuOptimizerSettings _optimizer;
    private readonly long[] _weightOffset, _biasOffset;
    private readonly DeviceBuffer _parameters, _gradients, _state1, _state2;
    private readonly DeviceBuffer[] _activations, _activationGrads;
    private readonly DeviceBuffer _labels, _rowLoss, _loss;
    private DeviceBuffer? _data, _dataLabels, _permutation;
    private int _samples;

    /// <summary>Uploads <paramref name="initial"/> (weight, bias per layer) for layers of <paramref name="widths"/>, e.g. [784, 128, 10].</summary>
    public GpuMlpTrainer(CudaContext gpu, IReadOnlyList<int> widths, IReadOnlyList<float[]> initial, GpuOptimizerSettings optimizer, int batchSize)
    {
        if (widths.Count < 2 || widths.Any(w => w < 1)) throw new ArgumentException("an MLP needs at least two positive widths");
        if (initial.Count != 2 * (widths.Count - 1)) throw new ArgumentException($"expected {2 * (widths.Count - 1)} parameter arrays");
        if (optimizer.Name is not ("adam" or "sgd")) throw new ArgumentException($"unknown optimizer '{optimizer.Name}'");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        _gpu = gpu;
        _widths = [.. widths];
        _batch = batchSize;
        _optimizer = optimizer;
        int layers = widths.Count - 1;
        _weightOffset = new long[layers];
        _biasOffset = new long[layers];
        long total = 0;
        for (int l = 0; l < layers; l++)
        {
            _weightOffset[l] = total;
            total += (long)widths[l + 1] * widths[l];
            if (initial[2 * l].Length != (long)widths[l + 1] * widths[l]) throw new ArgumentException($"layer {l} weight has the wrong size");
            _biasOffset[l] = total;
            total += widths[l + 1];
            if (initial[2 * l + 1].Length != widths[l + 1]) throw new ArgumentException($"layer {l} bias has the wrong size");
        }
        ParameterCount = total;
        _parameters = gpu.Allocate(total);
        for (int l = 0; l < layers; l++)
        {
            _parameters.Upload<float>(initial[2 * l], _weightOffset[l]);
            _parameters.Upload<float>(initial[2 * l + 1], _biasOffset[l]);
        }
        _gradients = gpu.Allocate(total);
        _state1 = gpu.Allocate(total);
        _state2 = gpu.Allocate(total);
        _state1.Clear();
        _state2.Clear();
        _activations = [.. widths.Select(w => gpu.Allocate((long)batchSize * w))];
        _activationGrads = [.. widths.Select(w => gpu.Allocate((long)batchSize * w))];
        _labels = gpu.Allocate(batchSize);
        _rowLoss = gpu.Allocate(batchSize);
        _loss = gpu.Allocate(1);
    }

    /// <summary>Scalar parameters of the model.</summary>
    public long ParameterCount { get; }

    /// <summary>Optimizer steps taken.</summary>
    public int Steps { get; private set; }

    /// <summary>Batches of the uploaded set per epoch (a last partial batch is dropped, as the CPU loader does).</summary>
    public int BatchesPerEpoch => _samples / _batch;

    /// <summary>Copies the training set to the device once: <paramref name="images"/> is (samples, features) row-major.</summary>
    public void UploadDataset(ReadOnlySpan<float> images, ReadOnlySpan<int> labels)
    {
        int features = _widths[0];
        if (labels.Length == 0 || images.Length != (long)labels.Length * features)
            throw new ArgumentException($"expected {labels.Length} × {features} image values, got {images.Length}");
        foreach (int label in labels)
            if ((uint)label >= (uint)_widths[^1]) throw new ArgumentException($"label {label} is outside the {_widths[^1]} classes");
        _data?.Dispose();
        _dataLabels?.Dispose();
        _permutation?.Dispose();
        _samples = labels.Length;
        _data = _gpu.Allocate(images.Length);
        _data.Upload(images);
        _dataLabels = _gpu.Allocate(labels.Length);
        _dataLabels.Upload(labels);
        _permutation = _gpu.Allocate(labels.Length);
    }

    /// <summary>Sets the sample order of the coming epoch (a permutation of the uploaded samples), one small copy per epoch.</summary>
    public void StartEpoch(ReadOnlySpan<int> order)
    {
        if (_permutation is null) throw new InvalidOperationException("upload a dataset first");
        if (order.Length != _samples) throw new ArgumentException($"the order must list all {_samples} samples");
        _permutation.Upload(order);
    }

    /// <summary>Queues one optimizer step on batch <paramref name="batchIndex"/> of the epoch; returns without waiting for the GPU.</summary>
    public void Step(int batchIndex)
    {
        if (_data is null || _dataLabels is null || _permutation is null) throw new InvalidOperationException("upload a dataset first");
        if ((uint)batchIndex >= (uint)BatchesPerEpoch) throw new ArgumentOutOfRangeException(nameof(batchIndex));
        var k = _gpu.Kernels;
        int inputs = _widths[0];
        var x = _activations[0];
        k.Launch("gather_rows", KernelModule.GridFor((long)_batch * inputs), [_data.Address, _dataLabels.Address, _permutation.Address,
            KernelArg.Int(batchIndex * _batch), KernelArg.Int(_batch), KernelArg.Int(inputs), x.Address, _labels.Address]);
        Forward();
        Backward();
        Update();
        Steps++;
    }

    /// <summary>The mean loss of the last step (waits for the GPU: call it only when the number is needed).</summary>
    public float LastLoss()
    {
        _gpu.Kernels.Launch("mean", 1, [_rowLoss.Address, KernelArg.Int(_batch), _loss.Address]);
        Span<float> loss = stackalloc float[1];
        _gpu.Synchronize();
        _loss.Download(loss);
        return loss[0];
    }

    /// <summary>The parameters, weight and bias per layer, copied to the host (waits for the GPU).</summary>
    public float[][] DownloadParameters()
    {
        _gpu.Synchronize();
        var result = new float[2 * _weightOffset.Length][];
        for (int l = 0; l < _weightOffset.Length; l++)
        {
            result[2 * l] = new float[(long)_widths[l + 1] * _widths[l]];
            _parameters.Download<float>(result[2 * l], _weightOffset[l]);
            result[2 * l + 1] = new float[_widths[l + 1]];
            _parameters.Download<float>(result[2 * l + 1], _biasOffset[l]);
        }
        return result;
    }

    // a[l+1]: (B, out) = a[l]: (B, in) · W_lᵀ + b_l, ReLU on all but the last; then the loss and dlogits.
    private void Forward()
    {
        var k = _gpu.Kernels;
        int layers = _widths.Length - 1;
        for (int l = 0; l < layers; l++)
        {
            int inputs = _widths[l], outputs = _widths[l + 1];
            var y = _activations[l + 1];
            _gpu.Gemm(false, true, _batch, outputs, inputs, _activations[l].Address, _parameters.At(_weightOffset[l]), y.Address);
            k.Launch("bias_act", KernelModule.GridFor((long)_batch * outputs), [y.Address, _parameters.At(_biasOffset[l]),
                KernelArg.Int(outputs), KernelArg.Int(l < layers - 1 ? 1 : 0), KernelArg.Long((long)_batch * outputs)]);
        }
        k.Launch("softmax_xent", KernelModule.GridFor(_batch), [_activations[layers].Address, _labels.Address, KernelArg.Int(_batch),
            KernelArg.Int(_widths[layers]), _activationGrads[layers].Address, _rowLoss.Address]);
    }

    // dW_l: (out, in) = dY_lᵀ · a[l], db_l = column sums of dY_l, dA[l]: (B, in) = dY_l · W_l masked by ReLU.
    private void Backward()
    {
        var k = _gpu.Kernels;
        for (int l = _widths.Length - 2; l >= 0; l--)
        {
            int inputs = _widths[l], outputs = _widths[l + 1];
            var dy = _activationGrads[l + 1];
            _gpu.Gemm(true, false, outputs, inputs, _batch, dy.Address, _activations[l].Address, _gradients.At(_weightOffset[l]));
            k.Launch("column_sum", KernelModule.GridFor(outputs), [dy.Address, KernelArg.Int(_batch), KernelArg.Int(outputs),
                _gradients.At(_biasOffset[l])]);
            if (l == 0) continue;
            var dx = _activationGrads[l];
            _gpu.Gemm(false, false, _batch, inputs, outputs, dy.Address, _parameters.At(_weightOffset[l]), dx.Address);
            k.Launch("relu_backward", KernelModule.GridFor((long)_batch * inputs), [dx.Address, _activations[l].Address,
                KernelArg.Long((long)_batch * inputs)]);
        }
    }

    // One kernel over every parameter: they share one buffer, as do their gradients and optimizer state.
    private void Update()
    {
        var k = _gpu.Kernels;
        var o = _optimizer;
        uint grid = KernelModule.GridFor(ParameterCount);
        if (o.Name == "adam")
        {
            int step = Steps + 1;
            // Bias corrections in double, then rounded, exactly as the CPU engine's Adam computes them.
            float stepSize = (float)(o.LearningRate / (1 - Math.Pow(o.Beta1, step)));
            float bc2Sqrt = (float)Math.Sqrt(1 - Math.Pow(o.Beta2, step));
            k.Launch("adam", grid, [_parameters.Address, _gradients.Address, _state1.Address, _state2.Address, KernelArg.Float(o.Beta1),
                KernelArg.Float(o.Beta2), KernelArg.Float(stepSize), KernelArg.Float(bc2Sqrt), KernelArg.Float(o.Eps),
                KernelArg.Long(ParameterCount)]);
        }
        else
        {
            k.Launch("sgd", grid, [_parameters.Address, _gradients.Address, _state1.Address, KernelArg.Float(o.LearningRate),
                KernelArg.Float(o.Momentum), KernelArg.Int(Steps > 0 ? 1 : 0), KernelArg.Long(ParameterCount)]);
        }
    }

    public void Dispose()
    {
        foreach (var buffer in (DeviceBuffer?[])[_parameters, _gradients, _state1, _state2, _labels, _rowLoss, _loss, _data, _dataLabels,
                     _permutation, .. _activations, .. _activationGrads])
            buffer?.Dispose();
    }
}
