using TrainSwarm.Tensors.Autograd;
using TrainSwarm.Tensors.Kernels;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>Max pooling. x: (B,C,H,W) -> (B,C,OH,OW); stride defaults to the kernel size, as in PyTorch.</summary>
    public static Tensor MaxPool2d(Tensor x, int kernel, int? stride = null, int padding = 0)
    {
        if (x.Rank != 4) throw new ArgumentException($"max_pool2d needs x (B,C,H,W); got {x.ShapeText}");
        if (padding * 2 > kernel) throw new ArgumentException("max_pool2d padding must be at most half the kernel size");
        var g = new ConvGeometry(x.Size(0), x.Size(1), x.Size(2), x.Size(3), kernel, kernel, stride ?? kernel, padding);
        g.Validate();
        var y = Tensor.Empty(g.Batch, g.Channels, g.OutH, g.OutW);
        var argmax = TensorPool.RentInts(y.Length);
        MaxPool.Forward(x.Span, y.Span, argmax.AsSpan(0, y.Length), g);
        if (GradMode.ShouldRecord(x))
        {
            y.RequiresGrad = true;
            y.GradFn = new MaxPoolNode { Input0 = x, Argmax = argmax, Geometry = g };
            TensorScope.TrackBuffer(argmax);
        }
        else
        {
            TensorPool.ReturnInts(argmax);
        }
        return y;
    }

    private sealed class MaxPoolNode : GradNode
    {
        public int[] Argmax = [];
        public ConvGeometry Geometry;

        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is { } dx)
                MaxPool.Backward(output.Grad!.Span, Argmax.AsSpan(0, output.Length), dx.Span, Geometry, acc);
        }
    }
}
