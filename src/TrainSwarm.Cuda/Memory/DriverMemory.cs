using TrainSwarm.Cuda.Interop;

namespace TrainSwarm.Cuda.Memory;

/// <summary>Device memory straight from the driver (cuMemAlloc / cuMemFree) in the current context.</summary>
internal sealed class DriverMemory : IDeviceMemorySource
{
    public unsafe ulong Allocate(long bytes)
    {
        ulong address;
        CudaException.Check(NativeMethods.CuMemAlloc(&address, (nuint)bytes), $"cuMemAlloc({bytes} bytes)");
        return address;
    }

    public void Free(ulong address) => CudaException.Check(NativeMethods.CuMemFree(address), "cuMemFree");
}
