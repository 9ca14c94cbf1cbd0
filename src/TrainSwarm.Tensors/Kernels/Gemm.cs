using TrainSwarm.Tensors.Interop;

namespace TrainSwarm.Tensors.Kernels;

/// <summary>A row-major single-precision GEMM: C = alpha * op(A) * op(B) + beta * C, op(A) m×k, op(B) k×n.</summary>
public interface IGemm
{
    /// <summary>Short name for logs and benchmark output.</summary>
    string Name { get; }

    /// <summary>
    /// Computes the product. When <paramref name="beta"/> is 0 the old contents of C are ignored (they may be
    /// garbage from the pool). Each element's sum over k is accumulated in the same order whatever the thread
    /// count, so results are bitwise reproducible.
    /// </summary>
    void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc);
}

/// <summary>Chooses the GEMM path once: OpenBLAS when it loads, else the managed vectorized kernel.</summary>
public static class Gemm
{
    private static readonly Lazy<IGemm> s_backend = new(Choose);

    /// <summary>The path every op uses.</summary>
    public static IGemm Backend => s_backend.Value;

    /// <summary>The OpenBLAS path, or null when the library is not available.</summary>
    public static IGemm? OpenBlas { get; } = NativeMethods.TryLoadOpenBlas() ? new OpenBlasGemm() : null;

    /// <summary>The managed vectorized path, always available.</summary>
    public static IGemm Managed { get; } = new ManagedGemm();

    /// <summary>The reference triple loop the fast paths are tested against.</summary>
    public static IGemm Naive { get; } = new NaiveGemm();

    private static IGemm Choose()
    {
        if (OpenBlas is { } blas)
        {
            Engine.Log($"engine: GEMM via OpenBLAS ({NativeMethods.LoadedOpenBlasPath}, {OpenBlasGemm.Config}), {Engine.Threads} thread(s)");
            return blas;
        }
        Engine.Log(NativeMethods.ManagedRequested
            ? "engine: GEMM via the managed vectorized kernel (TRAINSWARM_BLAS=managed)"
            : "engine: OpenBLAS not found (install libopenblas0-pthread); GEMM via the managed vectorized kernel");
        return Managed;
    }

    /// <summary>Runs <see cref="Backend"/> after checking that every buffer is large enough.</summary>
    public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc) =>
        Run(Backend, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>Checks the arguments and runs <paramref name="gemm"/>.</summary>
    public static void Run(IGemm gemm, bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        Check(m, n, k, transA, a.Length, lda, "A", rows: m, cols: k);
        Check(m, n, k, transB, b.Length, ldb, "B", rows: k, cols: n);
        if (m > 0 && n > 0 && (ldc < n || c.Length < (long)(m - 1) * ldc + n))
            throw new ArgumentException($"C is too small for {m}×{n} with ldc {ldc}");
        if (m == 0 || n == 0) return;
        gemm.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    private static void Check(int m, int n, int k, bool trans, int length, int ld, string name, int rows, int cols)
    {
        if (m < 0 || n < 0 || k < 0) throw new ArgumentException("GEMM dimensions must be non-negative");
        if (rows == 0 || cols == 0) return;
        int storedRows = trans ? cols : rows, storedCols = trans ? rows : cols;
        if (ld < storedCols || length < (long)(storedRows - 1) * ld + storedCols)
            throw new ArgumentException($"{name} is too small for {rows}×{cols}{(trans ? " transposed" : "")} with leading dimension {ld}");
    }
}
