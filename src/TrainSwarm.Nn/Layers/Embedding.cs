using TrainSwarm.Nn.Init;
using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Layers;

/// <summary>A lookup table of <c>count</c> vectors, as torch.nn.Embedding; initialized N(0, 0.02²) as GPT-2 does.</summary>
public sealed class Embedding : Module
{
    public Embedding(int count, int dim, Rng rng, float std = 0.02f)
    {
        if (count < 1 || dim < 1) throw new ArgumentException("embedding sizes must be positive");
        Weight = NewParameter(count, dim);
        Initializers.Normal(Weight, std, rng);
    }

    /// <summary>(count, dim).</summary>
    public Tensor Weight { get; }

    /// <summary>Looks up <paramref name="ids"/> -> (ids.Length, dim).</summary>
    public Tensor Forward(ReadOnlySpan<int> ids) => Ops.Embedding(Weight, ids);

    /// <summary>Looks up ids given as a float tensor of whole numbers (any shape) -> (..., dim).</summary>
    public override Tensor Forward(Tensor input)
    {
        var ids = new int[input.Length];
        var s = input.Span;
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = (int)s[i];
            if (ids[i] != s[i]) throw new ArgumentException($"embedding ids must be whole numbers; got {s[i]} at {i}");
        }
        var y = Ops.Embedding(Weight, ids);
        return Ops.Reshape(y, [.. input.Shape, Weight.Size(1)]);
    }

    public override IEnumerable<(string Name, Tensor Value)> NamedParameters()
    {
        yield return ("weight", Weight);
    }

    public override string ToString() => $"Embedding({Weight.Size(0)}, {Weight.Size(1)})";
}
