using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Layers;

/// <summary>GELU, tanh form, as torch.nn.GELU(approximate="tanh") (GPT-2's activation).</summary>
public sealed class Gelu : Module
{
    public override Tensor Forward(Tensor input) => Ops.Gelu(input);

    public override string ToString() => "GELU(approximate='tanh')";
}
