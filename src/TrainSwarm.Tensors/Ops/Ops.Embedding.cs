using System.Numerics.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>
    /// Rows of a lookup table, as torch.nn.functional.embedding: y[n] = weight[ids[n]]. weight: (V, C) -> (N, C).
    /// Used for token embeddings and, with ids 0..T-1 per sequence, for learned positional embeddings.
    /// </summary>
    public static Tensor Embedding(Tensor weight, ReadOnlySpan<int> ids)
    {
        if (weight.Rank != 2) throw new ArgumentException($"embedding needs a weight (V, C); got {weight.ShapeText}");
        int vocab = weight.Size(0), dim = weight.Size(1);
        for (int n = 0; n < ids.Length; n++)
            if ((uint)ids[n] >= (uint)vocab)
                throw new ArgumentException($"id {ids[n]} at position {n} is outside the {vocab} rows of the table");
        var y = Tensor.Empty(ids.Length, dim);
        var w = weight.Span;
        var ys = y.Span;
        for (int n = 0; n < ids.Length; n++) w.Slice(ids[n] * dim, dim).CopyTo(ys.Slice(n * dim, dim));
        if (GradMode.ShouldRecord(weight))
        {
            var kept = TensorPool.RentInts(ids.Length);
            ids.CopyTo(kept);
            TensorScope.TrackBuffer(kept);
            y.RequiresGrad = true;
            y.GradFn = new EmbeddingNode { Input0 = weight, Ids = kept, Count = ids.Length };
        }
        return y;
    }

    private sealed class EmbeddingNode : GradNode
    {
        public int[] Ids = [];
        public int Count;

        // dW[id] += dy[n], rows added in position order so a repeated id sums the same way on every run.
        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is not { } dw) return;
            int dim = Input0!.Size(1);
            var d = dw.Span;
            var dy = output.Grad!.Span;
            if (!acc) d.Clear();
            for (int n = 0; n < Count; n++)
            {
                var row = d.Slice(Ids[n] * dim, dim);
                TensorPrimitives.Add(row, dy.Slice(n * dim, dim), row);
            }
        }
    }
}
