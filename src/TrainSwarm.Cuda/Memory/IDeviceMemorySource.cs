namespace TrainSwarm.Cuda.Memory;

/// <summary>Where the caching allocator gets device memory from (cuMemAlloc on a GPU); an interface so its bookkeeping is tested without one.</summary>
public interface IDeviceMemorySource
{
    /// <summary>A fresh block of <paramref name="bytes"/>; its device address.</summary>
    ulong Allocate(long bytes);

    /// <summary>Returns a block that <see cref="Allocate"/> gave.</summary>
    void Free(ulong address);
}
