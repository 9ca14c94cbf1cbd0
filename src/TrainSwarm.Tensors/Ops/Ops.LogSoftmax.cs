using System.Numerics.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>log(softmax(x)) over the last dimension. x: (B, C) -> (B, C).</summary>
    public static Tensor LogSoftmax(Tensor x)
    {
        if (x.Rank != 2 || x.Size(1) == 0) throw new ArgumentException($"log_softmax needs (B, C) with C > 0; got {x.ShapeText}");
        int rows = x.Size(0), cols = x.Size(1);
        var y = Tensor.Empty(rows, cols);
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Span.Slice(r * cols, cols);
            TensorPrimitives.Subtract(xr, LogSumExp(xr), y.Span.Slice(r * cols, cols));
        }
        if (GradMode.ShouldRecord(x))
        {
            y.RequiresGrad = true;
            y.GradFn = new LogSoftmaxNode { Input0 = x };
        }
        return y;
    }

    /// <summary>log Σ exp(x), shifted by the maximum so it cannot overflow.</summary>
    internal static float LogSumExp(ReadOnlySpan<float> row)
    {
        float max = TensorPrimitives.Max(row);
        float sum = 0;
        foreach (float v in row) sum += MathF.Exp(v - max);
        return max + MathF.Log(sum);
    }

    private sealed class LogSoftmaxNode : GradNode
    {
        // dx = dy - softmax · Σ dy, with softmax = exp(y) taken from the output.
        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is not { } dx) return;
            int rows = output.Size(0), cols = output.Size(1);
            var y = output.Span;
            var dy = output.Grad!.Span;
            var d = dx.Span;
            for (int r = 0; r < rows; r++)
            {
                var yr = y.Slice(r * cols, cols);
                var dyr = dy.Slice(r * cols, cols);
                float s = TensorPrimitives.Sum(dyr);
                for (int c = 0; c < cols; c++)
                {
                    float v = dyr[c] - MathF.Exp(yr[c]) * s;
                    d[r * cols + c] = acc ? d[r * cols + c] + v : v;
                }
            }
        }
    }
}
