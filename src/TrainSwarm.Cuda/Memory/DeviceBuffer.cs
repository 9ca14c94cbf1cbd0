using TrainSwarm.Cuda.Interop;

namespace TrainSwarm.Cuda.Memory;

/// <summary>A float32 (or int32) array on the device, owned until disposed; its block goes back to the caching allocator.</summary>
public sealed class DeviceBuffer : IDisposable
{
    private readonly CachingAllocator _allocator;
    private bool _disposed;

    internal DeviceBuffer(CachingAllocator allocator, long elements)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(elements);
        _allocator = allocator;
        Length = elements;
        Address = allocator.Allocate(elements * sizeof(float));
    }

    /// <summary>Elements (4 bytes each).</summary>
    public long Length { get; }

    /// <summary>The device address of element 0.</summary>
    public ulong Address { get; }

    /// <summary>The device address of element <paramref name="index"/>.</summary>
    public ulong At(long index) => Address + (ulong)(index * sizeof(float));

    /// <summary>Copies <paramref name="source"/> to the device, starting at element <paramref name="offset"/> (synchronous).</summary>
    public unsafe void Upload<T>(ReadOnlySpan<T> source, long offset = 0) where T : unmanaged
    {
        CheckRange(offset, source.Length, sizeof(T));
        DrainContext();
        fixed (T* p = source)
            CudaException.Check(NativeMethods.CuMemcpyHtoD(At(offset), p, (nuint)(source.Length * sizeof(T))), "cuMemcpyHtoD");
        DrainContext();
    }

    /// <summary>Copies elements from <paramref name="offset"/> into <paramref name="destination"/> (synchronous: waits for the device).</summary>
    public unsafe void Download<T>(Span<T> destination, long offset = 0) where T : unmanaged
    {
        CheckRange(offset, destination.Length, sizeof(T));
        DrainContext();
        fixed (T* p = destination)
            CudaException.Check(NativeMethods.CuMemcpyDtoH(p, At(offset), (nuint)(destination.Length * sizeof(T))), "cuMemcpyDtoH");
    }

    /// <summary>Sets every element to 0.</summary>
    public void Clear()
    {
        DrainContext();
        CudaException.Check(NativeMethods.CuMemsetD32(Address, 0, (nuint)Length), "cuMemsetD32");
        DrainContext();
    }

    // The trainers launch on a non-blocking stream, which the legacy default stream that these synchronous copies and memsets
    // use does not wait for (nor does it wait for them): without a drain, an upload could overwrite a buffer that queued kernels
    // still read (the epoch's sample order), a download could read weights before the last step wrote them, and a kernel could
    // read an upload whose DMA had not finished. Copies happen only at the edges (weights in and out, once per epoch), so the
    // drains cost nothing in the training loop.
    private static void DrainContext() => CudaException.Check(NativeMethods.CuCtxSynchronize(), "cuCtxSynchronize");

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _allocator.Free(Address);
    }

    private void CheckRange(long offset, int count, int elementSize)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (elementSize != sizeof(float)) throw new ArgumentException("device buffers hold 4-byte elements");
        if (offset < 0 || offset + count > Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"elements {offset}..{offset + count} outside a buffer of {Length}");
    }
}
