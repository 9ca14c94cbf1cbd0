using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TrainSwarm.Cuda.Interop;

/// <summary>NVRTC: compiles the generated kernel source to PTX at start-up (it ships with the CUDA runtime packages).</summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(Nvrtc, EntryPoint = "nvrtcCreateProgram")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int NvrtcCreateProgram(IntPtr* program, byte* source, byte* name, int headers, byte** headerSources, byte** headerNames);

    [LibraryImport(Nvrtc, EntryPoint = "nvrtcCompileProgram")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int NvrtcCompileProgram(IntPtr program, int optionCount, byte** options);

    [LibraryImport(Nvrtc, EntryPoint = "nvrtcGetPTXSize")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int NvrtcGetPtxSize(IntPtr program, nuint* size);

    [LibraryImport(Nvrtc, EntryPoint = "nvrtcGetPTX")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int NvrtcGetPtx(IntPtr program, byte* ptx);

    [LibraryImport(Nvrtc, EntryPoint = "nvrtcGetProgramLogSize")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int NvrtcGetProgramLogSize(IntPtr program, nuint* size);

    [LibraryImport(Nvrtc, EntryPoint = "nvrtcGetProgramLog")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int NvrtcGetProgramLog(IntPtr program, byte* log);

    [LibraryImport(Nvrtc, EntryPoint = "nvrtcDestroyProgram")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int NvrtcDestroyProgram(IntPtr* program);
}
