using System.Numerics.Tensors;
using TrainSwarm.Tensors.Autograd;
using TrainSwarm.Tensors.Kernels;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>
    /// 2-d convolution (cross-correlation, as PyTorch). x: (B,C,H,W), w: (OC,C,KH,KW), b: (OC) -> (B,OC,OH,OW).
    /// im2col, then one GEMM for the whole batch: Y (OC, B·OH·OW) = W (OC, C·KH·KW) · cols.
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? b = null, int stride = 1, int padding = 0)
    {
        if (x.Rank != 4 || w.Rank != 4 || x.Size(1) != w.Size(1))
            throw new ArgumentException($"conv2d needs x (B,C,H,W) and w (OC,C,KH,KW) with the same C; got x {x.ShapeText}, w {w.ShapeText}");
        int outC = w.Size(0);
        if (b is not null && (b.Rank != 1 || b.Size(0) != outC))
            throw new ArgumentException($"conv2d bias must be ({outC}); got {b.ShapeText}");
        var g = new ConvGeometry(x.Size(0), x.Size(1), x.Size(2), x.Size(3), w.Size(2), w.Size(3), stride, padding);
        g.Validate();

        var cols = TensorPool.Rent(g.PatchSize * g.Columns);
        Im2Col.Forward(x.Span, cols, g);
        var gemmOut = TensorPool.Rent(outC * g.Columns);
        Gemm.Sgemm(false, false, outC, g.Columns, g.PatchSize, 1f, w.Span, g.PatchSize, cols, g.Columns, 0f, gemmOut, g.Columns);

        var y = Tensor.Empty(g.Batch, outC, g.OutH, g.OutW);
        Layout.ChannelMajorToBatchMajor(gemmOut, y.Span, g.Batch, outC, g.OutPlane, b is null ? default : b.Span);
        TensorPool.Return(gemmOut);

        if (GradMode.ShouldRecord(x, w, b))
        {
            y.RequiresGrad = true;
            y.GradFn = new Conv2dNode { Input0 = x, Input1 = w, Input2 = b, Cols = cols, Geometry = g };
            TensorScope.TrackBuffer(cols);
        }
        else
        {
            TensorPool.Return(cols);
        }
        return y;
    }

    private sealed class Conv2dNode : GradNode
    {
        public float[] Cols = [];
        public ConvGeometry Geometry;

        public override void Backward(Tensor output)
        {
            Tensor x = Input0!, w = Input1!;
            var g = Geometry;
            int outC = w.Size(0);
            var dyT = TensorPool.Rent(outC * g.Columns);
            Layout.BatchMajorToChannelMajor(output.Grad!.Span, dyT, g.Batch, outC, g.OutPlane);

            // dw (OC, CKK) = dyT (OC, B·S) · colsᵀ (B·S, CKK)
            if (GradSlot(w, out bool accW) is { } dw)
                Gemm.Sgemm(false, true, outC, g.PatchSize, g.Columns, 1f, dyT, g.Columns, Cols, g.Columns, accW ? 1f : 0f, dw.Span, g.PatchSize);
            // db (OC) = row sums of dyT
            if (GradSlot(Input2, out bool accB) is { } db)
            {
                var dbs = db.Span;
                for (int c = 0; c < outC; c++)
                {
                    float s = TensorPrimitives.Sum(new ReadOnlySpan<float>(dyT, c * g.Columns, g.Columns));
                    dbs[c] = accB ? dbs[c] + s : s;
                }
            }
            // dx = col2im(wᵀ (CKK, OC) · dyT (OC, B·S)); skipped for the first layer, whose input needs no gradient.
            if (GradSlot(x, out bool accX) is { } dx)
            {
                var dcols = TensorPool.Rent(g.PatchSize * g.Columns);
                Gemm.Sgemm(true, false, g.PatchSize, g.Columns, outC, 1f, w.Span, g.PatchSize, dyT, g.Columns, 0f, dcols, g.Columns);
                Im2Col.Backward(dcols, dx.Span, g, accX);
                TensorPool.Return(dcols);
            }
            TensorPool.Return(dyT);
        }
    }
}
