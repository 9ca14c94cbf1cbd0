using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TrainSwarm.Tensors.Interop;

internal static partial class NativeMethods
{
    internal const int CblasRowMajor = 101;
    internal const int CblasNoTrans = 111;
    internal const int CblasTrans = 112;

    /// <summary>C = alpha * op(A) * op(B) + beta * C (CBLAS).</summary>
    [LibraryImport(OpenBlas, EntryPoint = "cblas_sgemm")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static unsafe partial void CblasSgemm(int order, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);
}
