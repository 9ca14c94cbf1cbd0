namespace TrainSwarm.Tensors.Kernels;

/// <summary>The arguments of one row-major GEMM over pinned buffers, as the parallel GEMM jobs carry them.</summary>
internal unsafe struct GemmCall
{
    public bool TransA, TransB;
    public int M, N, K, Lda, Ldb, Ldc;
    public float Alpha, Beta;
    public float* A, B, C;

    public GemmCall(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        (TransA, TransB, M, N, K, Alpha, Lda, Ldb, Beta, Ldc) = (transA, transB, m, n, k, alpha, lda, ldb, beta, ldc);
        A = a;
        B = b;
        C = c;
    }

    /// <summary>Element (i, p) of op(A).</summary>
    public readonly float* AAt(long i, long p) => TransA ? A + p * Lda + i : A + i * Lda + p;

    /// <summary>Element (p, j) of op(B).</summary>
    public readonly float* BAt(long p, long j) => TransB ? B + j * Ldb + p : B + p * Ldb + j;
}
