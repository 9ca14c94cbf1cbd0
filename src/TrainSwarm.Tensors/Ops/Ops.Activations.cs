using System.Numerics.Tensors;
using TrainSwarm.Tensors.Autograd;
using TrainSwarm.Tensors.Kernels;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>max(x, 0), element-wise.</summary>
    public static Tensor Relu(Tensor x)
    {
        var y = Tensor.Empty(x.ShapeArray);
        Elementwise.Unary<ReluOperator>(x.Span, y.Span);
        if (GradMode.ShouldRecord(x))
        {
            y.RequiresGrad = true;
            y.GradFn = new ReluNode { Input0 = x };
        }
        return y;
    }

    private sealed class ReluNode : GradNode
    {
        // The mask comes from the output (y > 0 exactly where x > 0), so x need not be kept alive.
        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is { } dx)
                Elementwise.Binary<ReluGradOperator>(output.Span, output.Grad!.Span, dx.Span, acc);
        }
    }

    /// <summary>tanh(x), element-wise.</summary>
    public static Tensor Tanh(Tensor x)
    {
        var y = Tensor.Empty(x.ShapeArray);
        TensorPrimitives.Tanh(x.Span, y.Span);
        if (GradMode.ShouldRecord(x))
        {
            y.RequiresGrad = true;
            y.GradFn = new TanhNode { Input0 = x };
        }
        return y;
    }

    private sealed class TanhNode : GradNode
    {
        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is { } dx)
                Elementwise.Binary<TanhGradOperator>(output.Span, output.Grad!.Span, dx.Span, acc);
        }
    }
}
