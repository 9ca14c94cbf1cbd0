using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>The same elements with another shape (a view: no copy). One dimension may be -1 (inferred).</summary>
    public static Tensor Reshape(Tensor x, params int[] shape)
    {
        var resolved = (int[])shape.Clone();
        int infer = Array.IndexOf(resolved, -1);
        if (infer >= 0)
        {
            if (Array.LastIndexOf(resolved, -1) != infer) throw new ArgumentException("reshape allows at most one -1");
            resolved[infer] = 1;
            int rest = ShapeUtil.Count(resolved);
            if (rest == 0 || x.Length % rest != 0)
                throw new ArgumentException($"cannot reshape {x.ShapeText} into {ShapeUtil.Format(shape)}");
            resolved[infer] = x.Length / rest;
        }
        ShapeUtil.Validate(resolved);
        if (ShapeUtil.Count(resolved) != x.Length)
            throw new ArgumentException($"cannot reshape {x.ShapeText} ({x.Length} elements) into {ShapeUtil.Format(shape)}");
        var y = x.View(resolved);
        if (GradMode.ShouldRecord(x))
        {
            y.RequiresGrad = true;
            y.GradFn = new ReshapeNode { Input0 = x };
        }
        return y;
    }

    /// <summary>(B, ...) -> (B, product of the rest), like nn.Flatten.</summary>
    public static Tensor Flatten(Tensor x)
    {
        if (x.Rank < 1) throw new ArgumentException("flatten needs at least one dimension");
        return Reshape(x, x.Size(0), x.Size(0) == 0 ? 0 : x.Length / x.Size(0));
    }

    private sealed class ReshapeNode : GradNode
    {
        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is { } dx) Store(output.Grad!.Span, dx.Span, acc);
        }
    }
}
