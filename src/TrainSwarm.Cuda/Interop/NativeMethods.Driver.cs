using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TrainSwarm.Cuda.Interop;

/// <summary>The CUDA driver API (libcuda): device discovery, the primary context, memory, streams, modules, launches.</summary>
internal static unsafe partial class NativeMethods
{
    internal const int CuDeviceAttributeComputeCapabilityMajor = 75;
    internal const int CuDeviceAttributeComputeCapabilityMinor = 76;
    internal const int CuDeviceAttributeMultiprocessorCount = 16;

    [LibraryImport(Driver, EntryPoint = "cuInit")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuInit(uint flags);

    [LibraryImport(Driver, EntryPoint = "cuDriverGetVersion")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuDriverGetVersion(int* version);

    [LibraryImport(Driver, EntryPoint = "cuDeviceGetCount")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuDeviceGetCount(int* count);

    [LibraryImport(Driver, EntryPoint = "cuDeviceGet")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuDeviceGet(int* device, int ordinal);

    [LibraryImport(Driver, EntryPoint = "cuDeviceGetName")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuDeviceGetName(byte* name, int length, int device);

    [LibraryImport(Driver, EntryPoint = "cuDeviceTotalMem_v2")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuDeviceTotalMem(nuint* bytes, int device);

    [LibraryImport(Driver, EntryPoint = "cuDeviceGetAttribute")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuDeviceGetAttribute(int* value, int attribute, int device);

    [LibraryImport(Driver, EntryPoint = "cuDevicePrimaryCtxRetain")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuDevicePrimaryCtxRetain(IntPtr* context, int device);

    [LibraryImport(Driver, EntryPoint = "cuDevicePrimaryCtxRelease_v2")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuDevicePrimaryCtxRelease(int device);

    [LibraryImport(Driver, EntryPoint = "cuCtxSetCurrent")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuCtxSetCurrent(IntPtr context);

    [LibraryImport(Driver, EntryPoint = "cuCtxSynchronize")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuCtxSynchronize();

    [LibraryImport(Driver, EntryPoint = "cuMemAlloc_v2")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuMemAlloc(ulong* pointer, nuint bytes);

    [LibraryImport(Driver, EntryPoint = "cuMemFree_v2")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuMemFree(ulong pointer);

    [LibraryImport(Driver, EntryPoint = "cuMemcpyHtoD_v2")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuMemcpyHtoD(ulong destination, void* source, nuint bytes);

    [LibraryImport(Driver, EntryPoint = "cuMemcpyDtoH_v2")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuMemcpyDtoH(void* destination, ulong source, nuint bytes);

    [LibraryImport(Driver, EntryPoint = "cuMemsetD32_v2")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuMemsetD32(ulong destination, uint value, nuint count);

    [LibraryImport(Driver, EntryPoint = "cuStreamCreate")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuStreamCreate(IntPtr* stream, uint flags);

    [LibraryImport(Driver, EntryPoint = "cuStreamDestroy_v2")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuStreamDestroy(IntPtr stream);

    [LibraryImport(Driver, EntryPoint = "cuStreamSynchronize")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuStreamSynchronize(IntPtr stream);

    [LibraryImport(Driver, EntryPoint = "cuModuleLoadData")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuModuleLoadData(IntPtr* module, void* image);

    [LibraryImport(Driver, EntryPoint = "cuModuleUnload")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuModuleUnload(IntPtr module);

    [LibraryImport(Driver, EntryPoint = "cuModuleGetFunction")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuModuleGetFunction(IntPtr* function, IntPtr module, byte* name);

    [LibraryImport(Driver, EntryPoint = "cuLaunchKernel")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuLaunchKernel(IntPtr function, uint gridX, uint gridY, uint gridZ, uint blockX, uint blockY, uint blockZ,
        uint sharedBytes, IntPtr stream, void** parameters, void** extra);

    [LibraryImport(Driver, EntryPoint = "cuStreamBeginCapture_v2")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuStreamBeginCapture(IntPtr stream, int mode);

    [LibraryImport(Driver, EntryPoint = "cuStreamEndCapture")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuStreamEndCapture(IntPtr stream, IntPtr* graph);

    [LibraryImport(Driver, EntryPoint = "cuGraphInstantiateWithFlags")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuGraphInstantiate(IntPtr* executable, IntPtr graph, ulong flags);

    [LibraryImport(Driver, EntryPoint = "cuGraphLaunch")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuGraphLaunch(IntPtr executable, IntPtr stream);

    [LibraryImport(Driver, EntryPoint = "cuGraphExecDestroy")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuGraphExecDestroy(IntPtr executable);

    [LibraryImport(Driver, EntryPoint = "cuGraphDestroy")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuGraphDestroy(IntPtr graph);

    [LibraryImport(Driver, EntryPoint = "cuGetErrorString")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CuGetErrorString(int error, byte** text);
}
