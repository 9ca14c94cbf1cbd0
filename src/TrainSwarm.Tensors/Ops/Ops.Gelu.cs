using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    private const float GeluK = 0.7978845608028654f; // √(2/π)
    private const float GeluA = 0.044715f;

    /// <summary>
    /// GELU in GPT-2's tanh form, as torch.nn.GELU(approximate="tanh"): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
    /// </summary>
    public static Tensor Gelu(Tensor x)
    {
        var y = Tensor.Empty(x.ShapeArray);
        var t = TensorPool.Rent(x.Length);
        var ts = t.AsSpan(0, x.Length);
        GeluTanh(x.Span, ts);
        // y = 0.5·x·(1 + t) = 0.5·x·t + 0.5·x
        var ys = y.Span;
        TensorPrimitives.Multiply(x.Span, 0.5f, ys);
        TensorPrimitives.FusedMultiplyAdd(ys, ts, ys, ys);
        if (GradMode.ShouldRecord(x))
        {
            TensorScope.TrackBuffer(t);
            y.RequiresGrad = true;
            y.GradFn = new GeluNode { Input0 = x, TanhInner = t };
        }
        else
        {
            TensorPool.Return(t);
        }
        return y;
    }

    /// <summary>t = tanh(√(2/π)·(x + 0.044715·x³)), vectorized.</summary>
    private static void GeluTanh(ReadOnlySpan<float> x, Span<float> t)
    {
        TensorPrimitives.Multiply(x, x, t);                     // x²
        TensorPrimitives.Multiply(t, GeluA, t);
        TensorPrimitives.Add(t, 1f, t);                          // 1 + a·x²
        TensorPrimitives.Multiply(t, x, t);                     // x + a·x³
        TensorPrimitives.Multiply(t, GeluK, t);
        TensorPrimitives.Tanh(t, t);
    }

    private sealed class GeluNode : GradNode
    {
        public float[] TanhInner = [];

        // dy/dx = 0.5·(1 + t) + 0.5·x·(1 - t²)·√(2/π)·(1 + 3·0.044715·x²), t kept from the forward pass.
        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is not { } dx) return;
            var x = Input0!.Span;
            var dy = output.Grad!.Span;
            var d = dx.Span;
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                var half = Vector256.Create(0.5f);
                var one = Vector256<float>.One;
                var k = Vector256.Create(GeluK);
                var a3 = Vector256.Create(3f * GeluA);
                for (; i <= x.Length - 8; i += 8)
                {
                    var xi = Vector256.Create(x.Slice(i, 8));
                    var t = Vector256.Create(TanhInner.AsSpan(i, 8));
                    // Same operations in the same order as the scalar tail below, so every element rounds alike.
                    var grad = half * (one + t) + half * xi * (one - t * t) * k * (one + a3 * xi * xi);
                    var v = Vector256.Create(dy.Slice(i, 8)) * grad;
                    if (acc) v += Vector256.Create(d.Slice(i, 8));
                    v.CopyTo(d.Slice(i, 8));
                }
            }
            for (; i < x.Length; i++)
            {
                float xi = x[i], t = TanhInner[i];
                float grad = 0.5f * (1f + t) + 0.5f * xi * (1f - t * t) * GeluK * (1f + 3f * GeluA * xi * xi);
                float v = dy[i] * grad;
                d[i] = acc ? d[i] + v : v;
            }
        }
    }
}
