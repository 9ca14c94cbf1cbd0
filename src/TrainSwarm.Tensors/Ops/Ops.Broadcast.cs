using System.Numerics.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>a + b with NumPy broadcasting.</summary>
    public static Tensor Add(Tensor a, Tensor b) => Broadcast(a, b, multiply: false);

    /// <summary>a * b (element-wise) with NumPy broadcasting.</summary>
    public static Tensor Mul(Tensor a, Tensor b) => Broadcast(a, b, multiply: true);

    private static Tensor Broadcast(Tensor a, Tensor b, bool multiply)
    {
        var shape = ShapeUtil.Broadcast(a.Shape, b.Shape);
        var y = Tensor.Empty(shape);
        if (ShapeUtil.SameShape(a.Shape, b.Shape))
        {
            if (multiply) TensorPrimitives.Multiply(a.Span, b.Span, y.Span);
            else TensorPrimitives.Add(a.Span, b.Span, y.Span);
        }
        else if (IsRowSuffix(b.Shape, a.Shape))
        {
            // b repeats along a's leading dimensions (a bias or positional row): one vector op per repeat.
            int n = b.Length;
            for (int r = 0; r < a.Length / Math.Max(1, n); r++)
            {
                var ar = a.Span.Slice(r * n, n);
                var yr = y.Span.Slice(r * n, n);
                if (multiply) TensorPrimitives.Multiply(ar, b.Span, yr);
                else TensorPrimitives.Add(ar, b.Span, yr);
            }
        }
        else
        {
            var ia = new BroadcastIndex(a.Shape, shape);
            var ib = new BroadcastIndex(b.Shape, shape);
            ReadOnlySpan<float> sa = a.Span, sb = b.Span;
            var sy = y.Span;
            for (int i = 0; i < sy.Length; i++)
            {
                float va = sa[ia.SourceOffset(i)], vb = sb[ib.SourceOffset(i)];
                sy[i] = multiply ? va * vb : va + vb;
            }
        }
        if (GradMode.ShouldRecord(a, b))
        {
            y.RequiresGrad = true;
            y.GradFn = new BroadcastNode { Input0 = a, Input1 = b, Multiply = multiply };
        }
        return y;
    }

    private sealed class BroadcastNode : GradNode
    {
        public bool Multiply;

        public override void Backward(Tensor output)
        {
            Tensor a = Input0!, b = Input1!;
            // d(a+b)/da = 1; d(a*b)/da = b (broadcast to the output), then summed back to a's shape.
            Reduce(output, a, Multiply ? b : null);
            Reduce(output, b, Multiply ? a : null);
        }

        private static void Reduce(Tensor output, Tensor target, Tensor? factor)
        {
            if (GradSlot(target, out bool acc) is not { } grad) return;
            var dy = output.Grad!.Span;
            var g = grad.Span;
            if (factor is null && ShapeUtil.SameShape(target.Shape, output.Shape))
            {
                // Residual connections: the gradient passes through unchanged.
                Store(dy, g, acc);
                return;
            }
            if (!acc) g.Clear();
            var it = new BroadcastIndex(target.Shape, output.Shape);
            var fi = factor is null ? default : new BroadcastIndex(factor.Shape, output.Shape);
            ReadOnlySpan<float> f = factor is null ? default : factor.Span;
            for (int i = 0; i < dy.Length; i++)
                g[it.SourceOffset(i)] += factor is null ? dy[i] : dy[i] * f[fi.SourceOffset(i)];
        }
    }

    /// <summary>Whether <paramref name="b"/> equals the trailing dimensions of <paramref name="a"/> (so it repeats whole rows).</summary>
    private static bool IsRowSuffix(ReadOnlySpan<int> b, ReadOnlySpan<int> a) =>
        b.Length > 0 && b.Length < a.Length && a[^b.Length..].SequenceEqual(b);

    /// <summary>Maps an output element's linear index to the broadcast source element's offset.</summary>
    private readonly struct BroadcastIndex
    {
        private readonly int[] _outShape;
        private readonly int[] _srcStrides;

        public BroadcastIndex(ReadOnlySpan<int> source, ReadOnlySpan<int> output)
        {
            _outShape = output.ToArray();
            _srcStrides = new int[output.Length];
            int stride = 1;
            for (int d = output.Length - 1, s = source.Length - 1; d >= 0; d--, s--)
            {
                int size = s >= 0 ? source[s] : 1;
                _srcStrides[d] = size == 1 ? 0 : stride;
                stride *= size;
            }
        }

        public int SourceOffset(int linear)
        {
            int offset = 0;
            for (int d = _outShape.Length - 1; d >= 0; d--)
            {
                int size = _outShape[d];
                offset += linear % size * _srcStrides[d];
                linear /= size;
            }
            return offset;
        }
    }
}
