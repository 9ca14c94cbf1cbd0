using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TrainSwarm.Cuda.Interop;

/// <summary>cuBLAS: SGEMM on the engine's stream, with a fixed workspace and math mode so results repeat bitwise.</summary>
internal static unsafe partial class NativeMethods
{
    internal const int CublasOpN = 0;
    internal const int CublasOpT = 1;
    internal const int CublasPedanticMath = 2;
    internal const int CublasTf32TensorOpMath = 3;

    [LibraryImport(Cublas, EntryPoint = "cublasCreate_v2")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CublasCreate(IntPtr* handle);

    [LibraryImport(Cublas, EntryPoint = "cublasDestroy_v2")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CublasDestroy(IntPtr handle);

    [LibraryImport(Cublas, EntryPoint = "cublasSetStream_v2")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CublasSetStream(IntPtr handle, IntPtr stream);

    [LibraryImport(Cublas, EntryPoint = "cublasSetMathMode")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CublasSetMathMode(IntPtr handle, int mode);

    [LibraryImport(Cublas, EntryPoint = "cublasSetWorkspace_v2")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CublasSetWorkspace(IntPtr handle, ulong workspace, nuint bytes);

    [LibraryImport(Cublas, EntryPoint = "cublasSgemm_v2")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int CublasSgemm(IntPtr handle, int transA, int transB, int m, int n, int k, float* alpha, ulong a, int lda,
        ulong b, int ldb, float* beta, ulong c, int ldc);
}
