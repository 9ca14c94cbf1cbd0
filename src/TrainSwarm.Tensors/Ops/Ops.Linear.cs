using System.Numerics.Tensors;
using TrainSwarm.Tensors.Autograd;
using TrainSwarm.Tensors.Kernels;

namespace TrainSwarm.Tensors;

/// <summary>Differentiable tensor operations. Each op records a node for backward when an input requires a gradient.</summary>
public static partial class Ops
{
    /// <summary>y = x·wᵀ + b. x: (B, In), w: (Out, In), b: (Out) -> y: (B, Out). One GEMM, bias folded in as beta = 1.</summary>
    public static Tensor Linear(Tensor x, Tensor w, Tensor? b = null)
    {
        if (x.Rank != 2 || w.Rank != 2 || x.Size(1) != w.Size(1))
            throw new ArgumentException($"linear needs x (B, In) and w (Out, In); got x {x.ShapeText}, w {w.ShapeText}");
        int batch = x.Size(0), inF = x.Size(1), outF = w.Size(0);
        if (b is not null && (b.Rank != 1 || b.Size(0) != outF))
            throw new ArgumentException($"linear bias must be ({outF}); got {b.ShapeText}");

        var y = Tensor.Empty(batch, outF);
        var ys = y.Span;
        if (b is not null)
            for (int r = 0; r < batch; r++) b.Span.CopyTo(ys.Slice(r * outF, outF));
        Gemm.Sgemm(false, true, batch, outF, inF, 1f, x.Span, inF, w.Span, inF, b is null ? 0f : 1f, ys, outF);

        if (GradMode.ShouldRecord(x, w, b))
        {
            y.RequiresGrad = true;
            y.GradFn = new LinearNode { Input0 = x, Input1 = w, Input2 = b };
        }
        return y;
    }

    private sealed class LinearNode : GradNode
    {
        public override void Backward(Tensor output)
        {
            Tensor x = Input0!, w = Input1!;
            var dy = output.Grad!.Span;
            int batch = x.Size(0), inF = x.Size(1), outF = w.Size(0);
            // dx (B,In) = dy (B,Out) · w (Out,In)
            if (GradSlot(x, out bool accX) is { } dx)
                Gemm.Sgemm(false, false, batch, inF, outF, 1f, dy, outF, w.Span, inF, accX ? 1f : 0f, dx.Span, inF);
            // dw (Out,In) = dyᵀ (Out,B) · x (B,In)
            if (GradSlot(w, out bool accW) is { } dw)
                Gemm.Sgemm(true, false, outF, inF, batch, 1f, dy, outF, x.Span, inF, accW ? 1f : 0f, dw.Span, inF);
            // db (Out) = Σ_rows dy, rows added in order
            if (GradSlot(Input2, out bool accB) is { } db)
            {
                var dbs = db.Span;
                if (!accB) dbs.Clear();
                for (int r = 0; r < batch; r++) TensorPrimitives.Add(dbs, dy.Slice(r * outF, outF), dbs);
            }
        }
    }

    /// <summary>Matrix product. a: (M, K), b: (K, N) -> (M, N).</summary>
    public static Tensor MatMul(Tensor a, Tensor b)
    {
        if (a.Rank != 2 || b.Rank != 2 || a.Size(1) != b.Size(0))
            throw new ArgumentException($"matmul needs (M, K) and (K, N); got {a.ShapeText} and {b.ShapeText}");
        int m = a.Size(0), k = a.Size(1), n = b.Size(1);
        var y = Tensor.Empty(m, n);
        Gemm.Sgemm(false, false, m, n, k, 1f, a.Span, k, b.Span, n, 0f, y.Span, n);
        if (GradMode.ShouldRecord(a, b))
        {
            y.RequiresGrad = true;
            y.GradFn = new MatMulNode { Input0 = a, Input1 = b };
        }
        return y;
    }

    private sealed class MatMulNode : GradNode
    {
        public override void Backward(Tensor output)
        {
            Tensor a = Input0!, b = Input1!;
            var dy = output.Grad!.Span;
            int m = a.Size(0), k = a.Size(1), n = b.Size(1);
            // da (M,K) = dy (M,N) · bᵀ (N,K)
            if (GradSlot(a, out bool accA) is { } da)
                Gemm.Sgemm(false, true, m, k, n, 1f, dy, n, b.Span, n, accA ? 1f : 0f, da.Span, k);
            // db (K,N) = aᵀ (K,M) · dy (M,N)
            if (GradSlot(b, out bool accB) is { } db)
                Gemm.Sgemm(true, false, k, n, m, 1f, a.Span, k, dy, n, accB ? 1f : 0f, db.Span, n);
        }
    }
}
