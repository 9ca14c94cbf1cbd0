using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>
    /// Log-probability of each row's chosen class under the categorical distribution with these logits:
    /// log_softmax(logits)[r, actions[r]], as torch.distributions.Categorical(logits=...).log_prob. logits: (B, C) -> (B).
    /// </summary>
    public static Tensor CategoricalLogProb(Tensor logits, ReadOnlySpan<int> actions)
    {
        if (logits.Rank != 2 || logits.Size(1) == 0) throw new ArgumentException($"categorical log_prob needs logits (B, C); got {logits.ShapeText}");
        int rows = logits.Size(0), cols = logits.Size(1);
        if (actions.Length != rows) throw new ArgumentException($"categorical log_prob got {actions.Length} actions for {rows} rows");
        for (int r = 0; r < rows; r++)
            if ((uint)actions[r] >= (uint)cols)
                throw new ArgumentException($"action {actions[r]} at row {r} is outside the {cols} classes");

        bool record = GradMode.ShouldRecord(logits);
        var y = Tensor.Empty(rows);
        var x = logits.Span;
        var chosen = record ? TensorPool.RentInts(rows) : null;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * cols, cols);
            y.Span[r] = xr[actions[r]] - LogSumExp(xr);
        }
        if (record)
        {
            actions.CopyTo(chosen!);
            TensorScope.TrackBuffer(chosen!);
            y.RequiresGrad = true;
            y.GradFn = new CategoricalLogProbNode { Input0 = logits, Actions = chosen! };
        }
        return y;
    }

    private sealed class CategoricalLogProbNode : GradNode
    {
        public int[] Actions = [];

        // d log p_a / d z_c = [c = a] - softmax_c, scaled by the row's upstream gradient.
        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is not { } dx) return;
            int rows = Input0!.Size(0), cols = Input0.Size(1);
            var x = Input0.Span;
            var dy = output.Grad!.Span;
            var d = dx.Span;
            for (int r = 0; r < rows; r++)
            {
                var xr = x.Slice(r * cols, cols);
                float lse = LogSumExp(xr);
                for (int c = 0; c < cols; c++)
                {
                    float v = dy[r] * ((c == Actions[r] ? 1f : 0f) - MathF.Exp(xr[c] - lse));
                    d[r * cols + c] = acc ? d[r * cols + c] + v : v;
                }
            }
        }
    }

    /// <summary>
    /// Entropy of each row's categorical distribution, -Σ p log p with p = softmax(logits), as
    /// torch.distributions.Categorical(logits=...).entropy(). logits: (B, C) -> (B).
    /// </summary>
    public static Tensor CategoricalEntropy(Tensor logits)
    {
        if (logits.Rank != 2 || logits.Size(1) == 0) throw new ArgumentException($"categorical entropy needs logits (B, C); got {logits.ShapeText}");
        int rows = logits.Size(0), cols = logits.Size(1);
        var y = Tensor.Empty(rows);
        var x = logits.Span;
        for (int r = 0; r < rows; r++) y.Span[r] = RowEntropy(x.Slice(r * cols, cols));
        if (GradMode.ShouldRecord(logits))
        {
            y.RequiresGrad = true;
            y.GradFn = new CategoricalEntropyNode { Input0 = logits };
        }
        return y;
    }

    private static float RowEntropy(ReadOnlySpan<float> row)
    {
        float lse = LogSumExp(row);
        float h = 0;
        foreach (float v in row)
        {
            float logp = v - lse;
            h -= MathF.Exp(logp) * logp;
        }
        return h;
    }

    private sealed class CategoricalEntropyNode : GradNode
    {
        // dH / d z_c = -p_c (log p_c + H), with H the row's entropy from the output.
        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is not { } dx) return;
            int rows = Input0!.Size(0), cols = Input0.Size(1);
            var x = Input0.Span;
            var h = output.Span;
            var dy = output.Grad!.Span;
            var d = dx.Span;
            for (int r = 0; r < rows; r++)
            {
                var xr = x.Slice(r * cols, cols);
                float lse = LogSumExp(xr);
                for (int c = 0; c < cols; c++)
                {
                    float logp = xr[c] - lse;
                    float v = -dy[r] * MathF.Exp(logp) * (logp + h[r]);
                    d[r * cols + c] = acc ? d[r * cols + c] + v : v;
                }
            }
        }
    }
}
