using System.Numerics.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>
    /// Layer normalization over the last dimension, as torch.nn.functional.layer_norm with an affine weight and bias:
    /// y = (x - mean) / sqrt(var + eps) · weight + bias, var the biased variance. x: (..., C), weight and bias: (C).
    /// </summary>
    public static Tensor LayerNorm(Tensor x, Tensor weight, Tensor bias, float eps = 1e-5f)
    {
        if (x.Rank < 1) throw new ArgumentException("layer_norm needs at least one dimension");
        int dim = x.Size(-1);
        if (dim == 0 || weight.Rank != 1 || weight.Size(0) != dim || bias.Rank != 1 || bias.Size(0) != dim)
            throw new ArgumentException($"layer_norm over {dim} features needs weight and bias ({dim}); got {weight.ShapeText} and {bias.ShapeText}");
        int rows = x.Length / dim;
        var y = Tensor.Empty(x.ShapeArray);
        bool record = GradMode.ShouldRecord(x, weight, bias);
        // Per row: mean and 1/std, kept for backward.
        var stats = TensorPool.Rent(2 * rows);
        var xs = x.Span;
        var ys = y.Span;
        for (int r = 0; r < rows; r++)
        {
            var xr = xs.Slice(r * dim, dim);
            var yr = ys.Slice(r * dim, dim);
            float mean = TensorPrimitives.Sum(xr) / dim;
            TensorPrimitives.Subtract(xr, mean, yr);
            float variance = TensorPrimitives.SumOfSquares(yr) / dim;
            float rstd = 1f / MathF.Sqrt(variance + eps);
            TensorPrimitives.Multiply(yr, rstd, yr);
            TensorPrimitives.FusedMultiplyAdd(yr, weight.Span, bias.Span, yr);
            stats[2 * r] = mean;
            stats[2 * r + 1] = rstd;
        }
        if (record)
        {
            TensorScope.TrackBuffer(stats);
            y.RequiresGrad = true;
            y.GradFn = new LayerNormNode { Input0 = x, Input1 = weight, Input2 = bias, Stats = stats };
        }
        else
        {
            TensorPool.Return(stats);
        }
        return y;
    }

    private sealed class LayerNormNode : GradNode
    {
        public float[] Stats = [];

        // With x̂ = (x - mean)·rstd and g = dy·weight: dx = rstd·(g - mean(g) - x̂·mean(g·x̂)); dweight = Σ dy·x̂; dbias = Σ dy.
        // Rows are visited in order, so the parameter sums do not depend on the thread count.
        public override void Backward(Tensor output)
        {
            Tensor x = Input0!, weight = Input1!;
            int dim = x.Size(-1), rows = x.Length / dim;
            var dxSlot = GradSlot(x, out bool accX);
            var dwSlot = GradSlot(weight, out bool accW);
            var dbSlot = GradSlot(Input2, out bool accB);
            if (dwSlot is not null && !accW) dwSlot.Span.Clear();
            if (dbSlot is not null && !accB) dbSlot.Span.Clear();
            var scratch = TensorPool.Rent(2 * dim);
            var xhat = scratch.AsSpan(0, dim);
            var g = scratch.AsSpan(dim, dim);
            var xs = x.Span;
            var dy = output.Grad!.Span;
            for (int r = 0; r < rows; r++)
            {
                float mean = Stats[2 * r], rstd = Stats[2 * r + 1];
                var dyr = dy.Slice(r * dim, dim);
                TensorPrimitives.Subtract(xs.Slice(r * dim, dim), mean, xhat);
                TensorPrimitives.Multiply(xhat, rstd, xhat);
                if (dwSlot is not null)
                {
                    TensorPrimitives.Multiply(dyr, xhat, g);
                    TensorPrimitives.Add(dwSlot.Span, g, dwSlot.Span);
                }
                if (dbSlot is not null) TensorPrimitives.Add(dbSlot.Span, dyr, dbSlot.Span);
                if (dxSlot is null) continue;
                TensorPrimitives.Multiply(dyr, weight.Span, g);
                float meanG = TensorPrimitives.Sum(g) / dim;
                float meanGx = TensorPrimitives.Dot(g, xhat) / dim;
                var dxr = dxSlot.Span.Slice(r * dim, dim);
                for (int c = 0; c < dim; c++)
                {
                    float v = rstd * (g[c] - meanG - xhat[c] * meanGx);
                    dxr[c] = accX ? dxr[c] + v : v;
                }
            }
            TensorPool.Return(scratch);
        }
    }
}
