using System.Numerics.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>Sum of all elements -> a scalar (shape []).</summary>
    public static Tensor Sum(Tensor x) => Reduce(x, mean: false);

    /// <summary>Mean of all elements -> a scalar (shape []).</summary>
    public static Tensor Mean(Tensor x)
    {
        if (x.Length == 0) throw new ArgumentException("mean of an empty tensor is undefined");
        return Reduce(x, mean: true);
    }

    private static Tensor Reduce(Tensor x, bool mean)
    {
        var y = Tensor.Empty();
        float s = TensorPrimitives.Sum(x.Span);
        y.Span[0] = mean ? s / x.Length : s;
        if (GradMode.ShouldRecord(x))
        {
            y.RequiresGrad = true;
            y.GradFn = new ReduceNode { Input0 = x, Mean = mean };
        }
        return y;
    }

    private sealed class ReduceNode : GradNode
    {
        public bool Mean;

        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is not { } dx) return;
            float g = output.Grad!.Span[0];
            if (Mean) g /= dx.Length;
            if (acc) TensorPrimitives.Add(dx.Span, g, dx.Span);
            else dx.Span.Fill(g);
        }
    }
}
