namespace TrainSwarm.Cuda.Memory;

/// <summary>
/// Keeps freed device blocks by rounded size and hands them out again, so a training loop allocates from the driver only
/// in its first step (cuMemAlloc synchronizes the device and costs far more than a kernel). Sizes round up to 512 bytes,
/// and above 1 MiB to the next power of two, so a block serves every request of its class. Not thread-safe: one
/// allocator serves one stream, as PyTorch's per-stream pools do.
/// </summary>
public sealed class CachingAllocator(IDeviceMemorySource source) : IDisposable
{
    /// <summary>The smallest block and the rounding step below <see cref="PowerOfTwoFrom"/>.</summary>
    public const long Granule = 512;

    /// <summary>From this size up, blocks are powers of two, so few size classes cover large tensors.</summary>
    public const long PowerOfTwoFrom = 1 << 20;

    private readonly Dictionary<long, Stack<ulong>> _free = [];
    private readonly Dictionary<ulong, long> _inUse = [];
    private bool _disposed;

    /// <summary>Blocks taken from the driver so far (the count a steady training loop keeps constant).</summary>
    public long DriverAllocations { get; private set; }

    /// <summary>Requests served from the cache.</summary>
    public long CacheHits { get; private set; }

    /// <summary>Bytes held from the driver, in use or cached.</summary>
    public long ReservedBytes { get; private set; }

    /// <summary>Bytes of blocks handed out and not yet returned (rounded sizes).</summary>
    public long InUseBytes { get; private set; }

    /// <summary>The size class a request of <paramref name="bytes"/> is served from.</summary>
    public static long RoundUp(long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bytes);
        if (bytes >= PowerOfTwoFrom) return (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)bytes);
        return (bytes + Granule - 1) / Granule * Granule;
    }

    /// <summary>A block of at least <paramref name="bytes"/>: a cached one of its class, else a new one from the source.</summary>
    public ulong Allocate(long bytes)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        long size = RoundUp(bytes);
        ulong address;
        if (_free.TryGetValue(size, out var stack) && stack.Count > 0)
        {
            address = stack.Pop();
            CacheHits++;
        }
        else
        {
            address = source.Allocate(size);
            DriverAllocations++;
            ReservedBytes += size;
        }
        _inUse.Add(address, size);
        InUseBytes += size;
        return address;
    }

    /// <summary>Returns <paramref name="address"/> to the cache; returning a block twice or one not ours is a bug, so it throws.</summary>
    public void Free(ulong address)
    {
        if (_disposed) return;
        if (!_inUse.Remove(address, out long size))
            throw new InvalidOperationException($"device block 0x{address:x} is not allocated here (freed twice?)");
        InUseBytes -= size;
        if (!_free.TryGetValue(size, out var stack)) _free[size] = stack = new Stack<ulong>();
        stack.Push(address);
    }

    /// <summary>Gives every cached block back to the driver (blocks in use stay theirs).</summary>
    public void Trim()
    {
        foreach (var (size, stack) in _free)
        {
            while (stack.Count > 0)
            {
                source.Free(stack.Pop());
                ReservedBytes -= size;
            }
        }
    }

    /// <summary>Frees everything, cached and in use: the tensors of this allocator must not outlive it.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        Trim();
        foreach (var (address, size) in _inUse)
        {
            source.Free(address);
            ReservedBytes -= size;
        }
        _inUse.Clear();
        InUseBytes = 0;
        _disposed = true;
    }
}
