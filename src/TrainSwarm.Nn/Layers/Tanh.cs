using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Layers;

/// <summary>tanh(x).</summary>
public sealed class Tanh : Module
{
    public override Tensor Forward(Tensor input) => Ops.Tanh(input);

    public override string ToString() => "Tanh()";
}
