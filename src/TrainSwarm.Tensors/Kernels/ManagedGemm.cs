using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using TrainSwarm.Tensors.Threading;

namespace TrainSwarm.Tensors.Kernels;

/// <summary>
/// A GotoBLAS-style blocked GEMM in C#: op(A) and op(B) are packed into cache-sized panels and a 6×16
/// register-blocked micro-kernel (12 AVX accumulators) does the arithmetic. The output is split across
/// threads by columns or rows, never along k, so every element sums its products in one fixed order.
/// </summary>
internal sealed unsafe partial class ManagedGemm : IGemm
{
    internal const int MR = 6, NR = 16;
    private const int KC = 256, MC = 96, NC = 1024;

    [ThreadStatic] private static float[]? t_packA;
    [ThreadStatic] private static float[]? t_packB;
    [ThreadStatic] private static GemmJob? t_job;

    public string Name => "managed";

    public void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            var job = t_job ??= new GemmJob();
            job.Set(new GemmCall(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc));
            // Split the larger output dimension in whole micro-tiles; small products stay on one thread.
            long flops = 2L * m * n * k;
            if (flops < 2_000_000) job.Execute(0, job.Units);
            else WorkerPool.Run(job, job.Units);
        }
    }

    private sealed class GemmJob : RangeJob
    {
        private GemmCall _g;
        private bool _splitN;

        /// <summary>Number of micro-tile rows or columns the output is split into.</summary>
        public int Units { get; private set; }

        public void Set(GemmCall call)
        {
            _g = call;
            _splitN = (call.N + NR - 1) / NR >= (call.M + MR - 1) / MR;
            Units = _splitN ? (call.N + NR - 1) / NR : (call.M + MR - 1) / MR;
        }

        public override void Execute(int start, int end)
        {
            if (start >= end) return;
            if (_splitN)
                Serial(0, _g.M, start * NR, Math.Min(_g.N, end * NR));
            else
                Serial(start * MR, Math.Min(_g.M, end * MR), 0, _g.N);
        }

        /// <summary>C[m0:m1, n0:n1] on this thread.</summary>
        private void Serial(int m0, int m1, int n0, int n1)
        {
            var packA = t_packA ??= GC.AllocateUninitializedArray<float>(MC * KC + 64, pinned: true);
            var packB = t_packB ??= GC.AllocateUninitializedArray<float>(NC * KC + 64, pinned: true);
            float* tile = stackalloc float[MR * NR];
            fixed (float* ap = packA)
            fixed (float* bp = packB)
            {
                if (_g.K == 0)
                {
                    ScaleOnly(m0, m1, n0, n1);
                    return;
                }
                for (int jc = n0; jc < n1; jc += NC)
                {
                    int nc = Math.Min(NC, n1 - jc);
                    for (int pc = 0; pc < _g.K; pc += KC)
                    {
                        int kc = Math.Min(KC, _g.K - pc);
                        PackB(bp, pc, kc, jc, nc);
                        bool first = pc == 0;
                        for (int ic = m0; ic < m1; ic += MC)
                        {
                            int mc = Math.Min(MC, m1 - ic);
                            PackA(ap, ic, mc, pc, kc);
                            for (int jr = 0; jr < nc; jr += NR)
                            {
                                int nr = Math.Min(NR, nc - jr);
                                for (int ir = 0; ir < mc; ir += MR)
                                {
                                    int mr = Math.Min(MR, mc - ir);
                                    float* cTile = _g.C + (long)(ic + ir) * _g.Ldc + jc + jr;
                                    float* aPanel = ap + ir * kc;
                                    float* bPanel = bp + jr * kc;
                                    if (mr == MR && nr == NR)
                                    {
                                        Kernel6x16(kc, aPanel, bPanel, cTile, _g.Ldc, _g.Alpha, first ? _g.Beta : 1f);
                                    }
                                    else
                                    {
                                        // Edge tile: compute the full tile into scratch, then copy the valid part.
                                        Kernel6x16(kc, aPanel, bPanel, tile, NR, _g.Alpha, 0f);
                                        float beta = first ? _g.Beta : 1f;
                                        for (int i = 0; i < mr; i++)
                                            for (int j = 0; j < nr; j++)
                                            {
                                                ref float cij = ref cTile[(long)i * _g.Ldc + j];
                                                cij = beta == 0 ? tile[i * NR + j] : beta * cij + tile[i * NR + j];
                                            }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        private void ScaleOnly(int m0, int m1, int n0, int n1)
        {
            for (int i = m0; i < m1; i++)
                for (int j = n0; j < n1; j++)
                {
                    ref float cij = ref _g.C[(long)i * _g.Ldc + j];
                    cij = _g.Beta == 0 ? 0 : _g.Beta * cij;
                }
        }

        /// <summary>Packs op(A)[ic:ic+mc, pc:pc+kc] into MR-row panels laid out [panel][p][MR], zero-padded.</summary>
        private void PackA(float* dst, int ic, int mc, int pc, int kc)
        {
            for (int ir = 0; ir < mc; ir += MR)
            {
                int mr = Math.Min(MR, mc - ir);
                float* panel = dst + ir * kc;
                for (int i = 0; i < MR; i++)
                {
                    if (i >= mr)
                    {
                        for (int p = 0; p < kc; p++) panel[p * MR + i] = 0;
                        continue;
                    }
                    int row = ic + ir + i;
                    if (_g.TransA)
                        for (int p = 0; p < kc; p++) panel[p * MR + i] = _g.A[(long)(pc + p) * _g.Lda + row];
                    else
                    {
                        float* src = _g.A + (long)row * _g.Lda + pc;
                        for (int p = 0; p < kc; p++) panel[p * MR + i] = src[p];
                    }
                }
            }
        }

        /// <summary>Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-column panels laid out [panel][p][NR], zero-padded.</summary>
        private void PackB(float* dst, int pc, int kc, int jc, int nc)
        {
            for (int jr = 0; jr < nc; jr += NR)
            {
                int nr = Math.Min(NR, nc - jr);
                float* panel = dst + jr * kc;
                if (!_g.TransB && nr == NR)
                {
                    for (int p = 0; p < kc; p++)
                    {
                        float* src = _g.B + (long)(pc + p) * _g.Ldb + jc + jr;
                        Vector256.Store(Vector256.Load(src), panel + p * NR);
                        Vector256.Store(Vector256.Load(src + 8), panel + p * NR + 8);
                    }
                    continue;
                }
                for (int p = 0; p < kc; p++)
                    for (int j = 0; j < NR; j++)
                        panel[p * NR + j] = j >= nr ? 0
                            : _g.TransB ? _g.B[(long)(jc + jr + j) * _g.Ldb + pc + p] : _g.B[(long)(pc + p) * _g.Ldb + jc + jr + j];
            }
        }
    }

    /// <summary>C[6×16] = beta*C + alpha * Apanel(6×kc) * Bpanel(kc×16). beta 0 ignores C's old contents.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Kernel6x16(int kc, float* a, float* b, float* c, int ldc, float alpha, float beta)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<float> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var av = Vector256.Create(a[0]); c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01);
            av = Vector256.Create(a[1]); c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11);
            av = Vector256.Create(a[2]); c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21);
            av = Vector256.Create(a[3]); c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31);
            av = Vector256.Create(a[4]); c40 = Fma(av, b0, c40); c41 = Fma(av, b1, c41);
            av = Vector256.Create(a[5]); c50 = Fma(av, b0, c50); c51 = Fma(av, b1, c51);
            a += MR;
            b += NR;
        }
        StoreRow(c, c00, c01, alpha, beta);
        StoreRow(c + ldc, c10, c11, alpha, beta);
        StoreRow(c + 2 * ldc, c20, c21, alpha, beta);
        StoreRow(c + 3 * ldc, c30, c31, alpha, beta);
        StoreRow(c + 4 * ldc, c40, c41, alpha, beta);
        StoreRow(c + 5 * ldc, c50, c51, alpha, beta);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> acc) =>
        System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, acc) : acc + a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow(float* c, Vector256<float> lo, Vector256<float> hi, float alpha, float beta)
    {
        var va = Vector256.Create(alpha);
        lo *= va;
        hi *= va;
        if (beta != 0)
        {
            var vb = Vector256.Create(beta);
            lo += vb * Vector256.Load(c);
            hi += vb * Vector256.Load(c + 8);
        }
        Vector256.Store(lo, c);
        Vector256.Store(hi, c + 8);
    }
}
