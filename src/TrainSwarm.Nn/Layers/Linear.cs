using TrainSwarm.Nn.Init;
using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Layers;

/// <summary>y = x·Wᵀ + b. Input (B, In) -> (B, Out). Initialized like torch.nn.Linear.</summary>
public sealed class Linear : Module
{
    /// <summary>Creates the layer and initializes it from <paramref name="rng"/>.</summary>
    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true)
    {
        if (inFeatures < 1 || outFeatures < 1) throw new ArgumentException("linear sizes must be positive");
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = NewParameter(outFeatures, inFeatures);
        Bias = bias ? NewParameter(outFeatures) : null;
        Initializers.ResetLikePyTorch(Weight, Bias, fanIn: inFeatures, rng);
    }

    public int InFeatures { get; }
    public int OutFeatures { get; }

    /// <summary>(Out, In).</summary>
    public Tensor Weight { get; }

    /// <summary>(Out), or null.</summary>
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) => Ops.Linear(input, Weight, Bias);

    public override IEnumerable<(string Name, Tensor Value)> NamedParameters()
    {
        yield return ("weight", Weight);
        if (Bias is not null) yield return ("bias", Bias);
    }

    public override string ToString() => $"Linear({InFeatures}, {OutFeatures})";
}
