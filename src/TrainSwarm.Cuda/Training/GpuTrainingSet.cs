using TrainSwarm.Cuda.Kernels;
using TrainSwarm.Cuda.Memory;

namespace TrainSwarm.Cuda.Training;

/// <summary>
/// A labelled training set resident on the device, uploaded once, and the epoch's sample order; each step gathers its
/// batch on the device, so per step no sample crosses the bus.
/// </summary>
internal sealed class GpuTrainingSet : IDisposable
{
    private readonly CudaContext _gpu;
    private readonly int _features, _classes;
    private DeviceBuffer? _data, _labels, _order;

    public GpuTrainingSet(CudaContext gpu, int features, int classes)
    {
        _gpu = gpu;
        _features = features;
        _classes = classes;
    }

    /// <summary>Samples uploaded (0 before <see cref="Upload"/>).</summary>
    public int Samples { get; private set; }

    /// <summary>Copies the set to the device: <paramref name="images"/> is (samples, features) row-major.</summary>
    public void Upload(ReadOnlySpan<float> images, ReadOnlySpan<int> labels)
    {
        if (labels.Length == 0 || images.Length != (long)labels.Length * _features)
            throw new ArgumentException($"expected {labels.Length} × {_features} image values, got {images.Length}");
        foreach (int label in labels)
            if ((uint)label >= (uint)_classes) throw new ArgumentException($"label {label} is outside the {_classes} classes");
        Dispose();
        Samples = labels.Length;
        _data = _gpu.Allocate(images.Length);
        _data.Upload(images);
        _labels = _gpu.Allocate(labels.Length);
        _labels.Upload(labels);
        _order = _gpu.Allocate(labels.Length);
    }

    /// <summary>Sets the coming epoch's sample order (a permutation of the uploaded samples), one small copy per epoch.</summary>
    public void StartEpoch(ReadOnlySpan<int> order)
    {
        if (_order is null) throw new InvalidOperationException("upload a dataset first");
        if (order.Length != Samples) throw new ArgumentException($"the order must list all {Samples} samples");
        _order.Upload(order);
    }

    /// <summary>
    /// Queues the gather of batch <paramref name="batchIndex"/> (of <paramref name="batch"/> samples) into x: (batch, features) and y: (batch).
    /// </summary>
    public void Gather(int batchIndex, int batch, DeviceBuffer x, DeviceBuffer y)
    {
        if (_data is null || _labels is null || _order is null) throw new InvalidOperationException("upload a dataset first");
        if ((uint)batchIndex >= (uint)(Samples / batch)) throw new ArgumentOutOfRangeException(nameof(batchIndex));
        _gpu.Kernels.Launch("gather_rows", KernelModule.GridFor((long)batch * _features), [_data.Address, _labels.Address, _order.Address,
            KernelArg.Int(batchIndex * batch), KernelArg.Int(batch), KernelArg.Int(_features), x.Address, y.Address]);
    }

    public void Dispose()
    {
        _data?.Dispose();
        _labels?.Dispose();
        _order?.Dispose();
        (_data, _labels, _order) = (null, null, null);
    }
}
