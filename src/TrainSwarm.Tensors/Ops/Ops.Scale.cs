using System.Numerics.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>s·x, element-wise, for a constant s (loss coefficients).</summary>
    public static Tensor Scale(Tensor x, float s)
    {
        var y = Tensor.Empty(x.ShapeArray);
        TensorPrimitives.Multiply(x.Span, s, y.Span);
        if (GradMode.ShouldRecord(x))
        {
            y.RequiresGrad = true;
            y.GradFn = new ScaleNode { Input0 = x, Factor = s };
        }
        return y;
    }

    private sealed class ScaleNode : GradNode
    {
        public float Factor;

        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is not { } dx) return;
            var dy = output.Grad!.Span;
            var d = dx.Span;
            for (int i = 0; i < d.Length; i++) d[i] = acc ? d[i] + Factor * dy[i] : Factor * dy[i];
        }
    }
}
