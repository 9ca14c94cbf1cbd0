using TrainSwarm.Nn.Init;
using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Layers;

/// <summary>Layer normalization over the last dimension, as torch.nn.LayerNorm(dim) (weight 1, bias 0, eps 1e-5).</summary>
public sealed class LayerNorm : Module
{
    public LayerNorm(int dim, float eps = 1e-5f)
    {
        if (dim < 1) throw new ArgumentException("layer norm width must be positive");
        Weight = NewParameter(dim);
        Bias = NewParameter(dim);
        Initializers.Constant(Weight, 1f);
        Eps = eps;
    }

    public Tensor Weight { get; }
    public Tensor Bias { get; }
    public float Eps { get; }

    public override Tensor Forward(Tensor input) => Ops.LayerNorm(input, Weight, Bias, Eps);

    public override IEnumerable<(string Name, Tensor Value)> NamedParameters()
    {
        yield return ("weight", Weight);
        yield return ("bias", Bias);
    }

    public override string ToString() => $"LayerNorm({Weight.Size(0)})";
}
