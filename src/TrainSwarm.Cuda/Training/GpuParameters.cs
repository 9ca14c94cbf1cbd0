using TrainSwarm.Cuda.Memory;

namespace TrainSwarm.Cuda.Training;

/// <summary>
/// A model's parameters on the device, in PyTorch's order, packed into one buffer, with their gradients and optimizer
/// state packed the same way, so one optimizer kernel updates all of them. Tensor i starts at the same offset in all four.
/// </summary>
internal sealed class GpuParameters : IDisposable
{
    private readonly CudaContext _gpu;
    private readonly GpuOptimizerSettings _optimizer;
    private readonly long[] _offset;
    private readonly int[] _length;
    private readonly DeviceBuffer _values, _gradients, _state1, _state2;

    public GpuParameters(CudaContext gpu, IReadOnlyList<float[]> initial, GpuOptimizerSettings optimizer)
    {
        if (optimizer.Name is not ("adam" or "sgd")) throw new ArgumentException($"unknown optimizer '{optimizer.Name}'");
        if (initial.Count == 0 || initial.Any(p => p.Length == 0)) throw new ArgumentException("every parameter tensor needs at least one value");
        _gpu = gpu;
        _optimizer = optimizer;
        _offset = new long[initial.Count];
        _length = [.. initial.Select(p => p.Length)];
        long total = 0;
        for (int i = 0; i < initial.Count; i++)
        {
            _offset[i] = total;
            total += initial[i].Length;
        }
        Count = total;
        _values = gpu.Allocate(total);
        for (int i = 0; i < initial.Count; i++) _values.Upload<float>(initial[i], _offset[i]);
        _gradients = gpu.Allocate(total);
        _state1 = gpu.Allocate(total);
        _state2 = gpu.Allocate(total);
        _state1.Clear();
        _state2.Clear();
    }

    /// <summary>Scalar parameters in all.</summary>
    public long Count { get; }

    /// <summary>Values in tensor <paramref name="tensor"/>.</summary>
    public int Length(int tensor) => _length[tensor];

    /// <summary>The device address of tensor <paramref name="tensor"/>'s values.</summary>
    public ulong Value(int tensor) => _values.At(_offset[tensor]);

    /// <summary>The device address of tensor <paramref name="tensor"/>'s gradient (every step overwrites it whole).</summary>
    public ulong Gradient(int tensor) => _gradients.At(_offset[tensor]);

    /// <summary>Queues optimizer step <paramref name="step"/> (1-based) over every parameter.</summary>
    public void Update(int step) =>
        OptimizerKernels.Queue(_gpu, _optimizer, step, _values.Address, _gradients.Address, _state1.Address, _state2.Address, Count);

    /// <summary>Every tensor copied to the host (waits for the GPU).</summary>
    public float[][] Download()
    {
        _gpu.Synchronize();
        var result = new float[_offset.Length][];
        for (int i = 0; i < _offset.Length; i++)
        {
            result[i] = new float[_length[i]];
            _values.Download<float>(result[i], _offset[i]);
        }
        return result;
    }

    /// <summary>
    /// The optimizer state copied to the host in the CPU engine's order (Adam: every first moment, then every second moment;
    /// SGD: every momentum buffer), so a GPU run's checkpoint has the CPU engine's layout (waits for the GPU).
    /// </summary>
    public float[][] DownloadState()
    {
        _gpu.Synchronize();
        var buffers = _optimizer.Name == "adam" ? new[] { _state1, _state2 } : [_state1];
        var result = new float[buffers.Length * _offset.Length][];
        for (int b = 0; b < buffers.Length; b++)
        {
            for (int i = 0; i < _offset.Length; i++)
            {
                var tensor = result[b * _offset.Length + i] = new float[_length[i]];
                buffers[b].Download<float>(tensor, _offset[i]);
            }
        }
        return result;
    }

    /// <summary>Loads optimizer state given in <see cref="DownloadState"/>'s order (a resumed run: a validator's replay).</summary>
    public void UploadState(IReadOnlyList<float[]> state)
    {
        var buffers = _optimizer.Name == "adam" ? new[] { _state1, _state2 } : [_state1];
        if (state.Count != buffers.Length * _offset.Length)
            throw new ArgumentException($"expected {buffers.Length * _offset.Length} optimizer state arrays, got {state.Count}");
        for (int b = 0; b < buffers.Length; b++)
        {
            for (int i = 0; i < _offset.Length; i++)
            {
                var tensor = state[b * _offset.Length + i];
                if (tensor.Length != _length[i])
                    throw new ArgumentException($"optimizer state {b * _offset.Length + i} holds {tensor.Length} values, expected {_length[i]}");
                buffers[b].Upload<float>(tensor, _offset[i]);
            }
        }
    }

    public void Dispose()
    {
        _values.Dispose();
        _gradients.Dispose();
        _state1.Dispose();
        _state2.Dispose();
    }
}
