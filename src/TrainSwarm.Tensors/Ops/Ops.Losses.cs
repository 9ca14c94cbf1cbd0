using System.Numerics.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>
    /// Mean cross-entropy of logits (B, C) against class indices, fused with log-softmax like
    /// PyTorch's F.cross_entropy. Logits of more dimensions, e.g. a language model's (B, T, V), take the last one as the
    /// classes and every other position as a row (targets B·T, row-major), as F.cross_entropy(logits.view(-1, V), targets.view(-1)).
    /// Returns a scalar.
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, ReadOnlySpan<int> targets)
    {
        if (logits.Rank < 2 || logits.Size(-1) == 0) throw new ArgumentException($"cross_entropy needs logits (B, C) or (B, T, C); got {logits.ShapeText}");
        int cols = logits.Size(-1), rows = logits.Length / cols;
        if (targets.Length != rows) throw new ArgumentException($"cross_entropy got {targets.Length} targets for {rows} rows");
        if (rows == 0) throw new ArgumentException("cross_entropy of an empty batch is undefined");
        for (int r = 0; r < rows; r++)
            if ((uint)targets[r] >= (uint)cols)
                throw new ArgumentException($"target {targets[r]} at row {r} is outside the {cols} classes");

        bool record = GradMode.ShouldRecord(logits);
        var probs = record ? TensorPool.Rent(rows * cols) : null;
        var x = logits.Span;
        float total = 0;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * cols, cols);
            float lse = LogSumExp(xr);
            total += lse - xr[targets[r]];
            if (probs is not null)
            {
                var pr = probs.AsSpan(r * cols, cols);
                TensorPrimitives.Subtract(xr, lse, pr);
                TensorPrimitives.Exp(pr, pr);
            }
        }
        var loss = Tensor.Empty();
        loss.Span[0] = total / rows;
        if (record)
        {
            // softmax - onehot, kept from the forward pass; backward only scales it.
            for (int r = 0; r < rows; r++) probs![r * cols + targets[r]] -= 1f;
            loss.RequiresGrad = true;
            loss.GradFn = new CrossEntropyNode { Input0 = logits, SoftmaxMinusOneHot = probs! };
            TensorScope.TrackBuffer(probs!);
        }
        return loss;
    }

    private sealed class CrossEntropyNode : GradNode
    {
        public float[] SoftmaxMinusOneHot = [];

        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is not { } dx) return;
            float scale = output.Grad!.Span[0] / (Input0!.Length / Input0.Size(-1));
            var src = SoftmaxMinusOneHot.AsSpan(0, dx.Length);
            if (acc)
                for (int i = 0; i < src.Length; i++) dx.Span[i] += src[i] * scale;
            else
                TensorPrimitives.Multiply(src, scale, dx.Span);
        }
    }

    /// <summary>Mean squared error between two tensors of the same shape. Returns a scalar.</summary>
    public static Tensor MseLoss(Tensor a, Tensor b)
    {
        if (!ShapeUtil.SameShape(a.Shape, b.Shape)) throw new ArgumentException($"mse_loss needs equal shapes; got {a.ShapeText} and {b.ShapeText}");
        if (a.Length == 0) throw new ArgumentException("mse_loss of empty tensors is undefined");
        var loss = Tensor.Empty();
        loss.Span[0] = TensorPrimitives.SumOfSquares(Difference(a, b)) / a.Length;
        if (GradMode.ShouldRecord(a, b))
        {
            loss.RequiresGrad = true;
            loss.GradFn = new MseNode { Input0 = a, Input1 = b };
        }
        return loss;
    }

    private static float[] Difference(Tensor a, Tensor b)
    {
        var diff = new float[a.Length];
        TensorPrimitives.Subtract(a.Span, b.Span, diff);
        return diff;
    }

    private sealed class MseNode : GradNode
    {
        public override void Backward(Tensor output)
        {
            Tensor a = Input0!, b = Input1!;
            var diff = Difference(a, b);
            float scale = 2f * output.Grad!.Span[0] / a.Length;
            TensorPrimitives.Multiply(diff, scale, diff);
            if (GradSlot(a, out bool accA) is { } da) Store(diff, da.Span, accA);
            if (GradSlot(b, out bool accB) is { } db)
            {
                TensorPrimitives.Negate(diff, diff);
                Store(diff, db.Span, accB);
            }
        }
    }
}
