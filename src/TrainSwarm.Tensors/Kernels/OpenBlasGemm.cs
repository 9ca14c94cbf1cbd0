using System.Runtime.InteropServices;
using TrainSwarm.Tensors.Interop;
using TrainSwarm.Tensors.Threading;

namespace TrainSwarm.Tensors.Kernels;

/// <summary>
/// GEMM through OpenBLAS's cblas_sgemm. OpenBLAS's own threading picks kernels and splits by the thread count,
/// which changes the bits of the result, so OpenBLAS runs single-threaded and we split the output into chunks
/// chosen from the shape alone; the worker pool spreads the chunks over threads. Every chunk is the same call
/// whatever the thread count, so training is bitwise identical for 1 or N threads.
/// </summary>
internal sealed class OpenBlasGemm : IGemm
{
    // Below this many flops a product is not worth splitting; at most this many chunks keep 1, 2 and 4 threads busy.
    private const long MinFlopsPerChunk = 4_000_000;
    private const int MaxChunks = 4;

    [ThreadStatic] private static ChunkJob? t_job;

    public OpenBlasGemm() => NativeMethods.OpenBlasSetNumThreads(1);

    public string Name => "openblas";

    /// <summary>OpenBLAS's own description of its build (version, kernel, threads).</summary>
    public static string Config => Marshal.PtrToStringAnsi(NativeMethods.OpenBlasGetConfig())?.Trim() ?? "unknown build";

    public unsafe void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        // BLAS rejects a leading dimension of 0 even when the matrix is empty.
        lda = Math.Max(lda, 1);
        ldb = Math.Max(ldb, 1);
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            if (ReductionChunks(m, n, k) is int parts and > 1)
            {
                SplitK(parts, transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                return;
            }
            var job = t_job ??= new ChunkJob();
            job.Set(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            if (job.Chunks == 1) job.Execute(0, 1);
            else WorkerPool.Run(job, job.Chunks);
        }
    }

    /// <summary>
    /// A small output over a long k (a first conv layer's weight gradient: 32×9 over 43,264 positions) gives each
    /// thread too little to do when split by output; such products are split along k instead.
    /// </summary>
    private static int ReductionChunks(int m, int n, int k) => (long)m * n <= 4096 && k >= 8192 ? MaxChunks : 1;

    [ThreadStatic] private static SplitKJob? t_splitK;

    /// <summary>C = alpha·Σ_parts(A_part·B_part) + beta·C, the partial products added in part order.</summary>
    private static unsafe void SplitK(int parts, bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda,
        float* b, int ldb, float beta, float* c, int ldc)
    {
        var job = t_splitK ??= new SplitKJob();
        var partials = TensorPool.Rent(parts * m * n);
        fixed (float* p = partials)
        {
            job.Set(parts, transA, transB, m, n, k, a, lda, b, ldb, p);
            WorkerPool.Run(job, parts);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    float sum = 0;
                    for (int part = 0; part < parts; part++) sum += p[(long)part * m * n + i * n + j];
                    ref float cij = ref c[(long)i * ldc + j];
                    cij = beta == 0 ? alpha * sum : beta * cij + alpha * sum;
                }
        }
        TensorPool.Return(partials);
    }

    private sealed unsafe class SplitKJob : RangeJob
    {
        private bool _transA, _transB;
        private int _parts, _m, _n, _k, _lda, _ldb;
        private float* _a, _b, _partials;

        public void Set(int parts, bool transA, bool transB, int m, int n, int k, float* a, int lda, float* b, int ldb, float* partials)
        {
            (_parts, _transA, _transB, _m, _n, _k, _lda, _ldb) = (parts, transA, transB, m, n, k, lda, ldb);
            _a = a;
            _b = b;
            _partials = partials;
        }

        public override void Execute(int start, int end)
        {
            for (int part = start; part < end; part++)
            {
                int from = (int)((long)_k * part / _parts), to = (int)((long)_k * (part + 1) / _parts);
                // Columns [from, to) of op(A) and rows [from, to) of op(B).
                float* a = _transA ? _a + (long)from * _lda : _a + from;
                float* b = _transB ? _b + from : _b + (long)from * _ldb;
                NativeMethods.CblasSgemm(NativeMethods.CblasRowMajor,
                    _transA ? NativeMethods.CblasTrans : NativeMethods.CblasNoTrans,
                    _transB ? NativeMethods.CblasTrans : NativeMethods.CblasNoTrans,
                    _m, _n, to - from, 1f, a, _lda, b, _ldb, 0f, _partials + (long)part * _m * _n, _n);
            }
        }
    }

    private sealed unsafe class ChunkJob : RangeJob
    {
        private bool _transA, _transB, _splitN;
        private int _m, _n, _k, _lda, _ldb, _ldc, _step;
        private float _alpha, _beta;
        private float* _a, _b, _c;

        public int Chunks { get; private set; }

        public void Set(bool transA, bool transB, int m, int n, int k, float alpha, float* a, int lda, float* b, int ldb,
            float beta, float* c, int ldc)
        {
            (_transA, _transB, _m, _n, _k, _alpha, _lda, _ldb, _beta, _ldc) = (transA, transB, m, n, k, alpha, lda, ldb, beta, ldc);
            _a = a;
            _b = b;
            _c = c;
            // Split the wider output dimension into aligned chunks (16 columns or 8 rows keep the kernels' tiles whole).
            _splitN = n >= m;
            int align = _splitN ? 16 : 8, extent = _splitN ? n : m;
            long flops = 2L * m * n * k;
            int chunks = (int)Math.Clamp(flops / MinFlopsPerChunk, 1, MaxChunks);
            chunks = Math.Min(chunks, Math.Max(1, extent / align));
            _step = (extent / chunks + align - 1) / align * align;
            Chunks = (extent + _step - 1) / _step;
        }

        public override void Execute(int start, int end)
        {
            for (int chunk = start; chunk < end; chunk++)
            {
                int from = chunk * _step;
                int to = Math.Min(from + _step, _splitN ? _n : _m);
                if (_splitN)
                {
                    // Columns [from, to) of op(B) and C.
                    float* b = _transB ? _b + (long)from * _ldb : _b + from;
                    Call(_m, to - from, _a, b, _c + from);
                }
                else
                {
                    // Rows [from, to) of op(A) and C.
                    float* a = _transA ? _a + from : _a + (long)from * _lda;
                    Call(to - from, _n, a, _b, _c + (long)from * _ldc);
                }
            }
        }

        private void Call(int m, int n, float* a, float* b, float* c) =>
            NativeMethods.CblasSgemm(NativeMethods.CblasRowMajor,
                _transA ? NativeMethods.CblasTrans : NativeMethods.CblasNoTrans,
                _transB ? NativeMethods.CblasTrans : NativeMethods.CblasNoTrans,
                m, n, _k, _alpha, a, _lda, b, _ldb, _beta, c, _ldc);
    }
}
