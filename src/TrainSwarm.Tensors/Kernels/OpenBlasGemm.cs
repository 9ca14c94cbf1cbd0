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
            var call = new GemmCall(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            if (ReductionChunks(m, n, k) is int parts and > 1)
            {
                SplitK(parts, call);
                return;
            }
            var job = t_job ??= new ChunkJob();
            job.Set(call);
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
    private static unsafe void SplitK(int parts, GemmCall g)
    {
        var job = t_splitK ??= new SplitKJob();
        int m = g.M, n = g.N;
        var partials = TensorPool.Rent(parts * m * n);
        fixed (float* p = partials)
        {
            job.Set(parts, g, p);
            WorkerPool.Run(job, parts);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    float sum = 0;
                    for (int part = 0; part < parts; part++) sum += p[(long)part * m * n + i * n + j];
                    ref float cij = ref g.C[(long)i * g.Ldc + j];
                    cij = g.Beta == 0 ? g.Alpha * sum : g.Beta * cij + g.Alpha * sum;
                }
        }
        TensorPool.Return(partials);
    }

    private sealed unsafe class SplitKJob : RangeJob
    {
        private GemmCall _g;
        private int _parts;
        private float* _partials;

        public void Set(int parts, GemmCall call, float* partials)
        {
            (_parts, _g) = (parts, call);
            _partials = partials;
        }

        public override void Execute(int start, int end)
        {
            for (int p = start; p < end; p++)
            {
                int from = (int)((long)_g.K * p / _parts), to = (int)((long)_g.K * (p + 1) / _parts);
                // Columns [from, to) of op(A) and rows [from, to) of op(B), into this part's own m×n buffer.
                var part = _g;
                (part.K, part.Alpha, part.Beta, part.Ldc) = (to - from, 1f, 0f, _g.N);
                part.A = _g.AAt(0, from);
                part.B = _g.BAt(from, 0);
                part.C = _partials + (long)p * _g.M * _g.N;
                Cblas(part);
            }
        }
    }

    private static unsafe void Cblas(in GemmCall g) =>
        NativeMethods.CblasSgemm(NativeMethods.CblasRowMajor,
            g.TransA ? NativeMethods.CblasTrans : NativeMethods.CblasNoTrans,
            g.TransB ? NativeMethods.CblasTrans : NativeMethods.CblasNoTrans,
            g.M, g.N, g.K, g.Alpha, g.A, g.Lda, g.B, g.Ldb, g.Beta, g.C, g.Ldc);

    private sealed unsafe class ChunkJob : RangeJob
    {
        private GemmCall _g;
        private bool _splitN;
        private int _step;

        public int Chunks { get; private set; }

        public void Set(GemmCall call)
        {
            _g = call;
            // Split the wider output dimension into aligned chunks (16 columns or 8 rows keep the kernels' tiles whole).
            _splitN = call.N >= call.M;
            int align = _splitN ? 16 : 8, extent = _splitN ? call.N : call.M;
            long flops = 2L * call.M * call.N * call.K;
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
                int to = Math.Min(from + _step, _splitN ? _g.N : _g.M);
                var part = _g;
                if (_splitN)
                {
                    // Columns [from, to) of op(B) and C.
                    part.N = to - from;
                    part.B = _g.BAt(0, from);
                    part.C = _g.C + from;
                }
                else
                {
                    // Rows [from, to) of op(A) and C.
                    part.M = to - from;
                    part.A = _g.AAt(from, 0);
                    part.C = _g.C + (long)from * _g.Ldc;
                }
                Cblas(part);
            }
        }
    }
}
