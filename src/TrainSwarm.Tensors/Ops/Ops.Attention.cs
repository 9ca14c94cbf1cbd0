using TrainSwarm.Tensors.Autograd;
using TrainSwarm.Tensors.Kernels;

namespace TrainSwarm.Tensors;

public static partial class Ops
{
    /// <summary>
    /// Causal multi-head self-attention on a fused QKV projection (nanoGPT's CausalSelfAttention between c_attn and
    /// c_proj): qkv (B, T, 3C) split into q, k, v, each into <paramref name="heads"/> heads, softmax(q·kᵀ/√d + causal mask)·v,
    /// heads merged back -> (B, T, C).
    /// </summary>
    public static Tensor CausalSelfAttention(Tensor qkv, int heads)
    {
        if (qkv.Rank != 3 || qkv.Size(2) % 3 != 0)
            throw new ArgumentException($"attention needs qkv (B, T, 3C); got {qkv.ShapeText}");
        var shape = new AttentionShape(qkv.Size(0), qkv.Size(1), heads, qkv.Size(2) / 3);
        if (heads < 1 || shape.Channels % heads != 0)
            throw new ArgumentException($"{shape.Channels} channels do not split into {heads} heads");
        var y = Tensor.Empty(shape.Batch, shape.Time, shape.Channels);
        var probs = TensorPool.Rent(shape.Batch * heads * shape.Time * shape.Time);
        CausalAttention.Forward(qkv.Span, y.Span, probs, shape);
        if (GradMode.ShouldRecord(qkv))
        {
            TensorScope.TrackBuffer(probs);
            y.RequiresGrad = true;
            y.GradFn = new AttentionNode { Input0 = qkv, Probs = probs, Shape = shape };
        }
        else
        {
            TensorPool.Return(probs);
        }
        return y;
    }

    private sealed class AttentionNode : GradNode
    {
        public float[] Probs = [];
        public AttentionShape Shape;

        public override void Backward(Tensor output)
        {
            if (GradSlot(Input0, out bool acc) is not { } dqkv) return;
            var scratch = TensorPool.Rent(Shape.Batch * Shape.Heads * Shape.Time * Shape.Time);
            CausalAttention.Backward(Input0!.Span, Probs, output.Grad!.Span, dqkv.Span, scratch, Shape, acc);
            TensorPool.Return(scratch);
        }
    }
}
