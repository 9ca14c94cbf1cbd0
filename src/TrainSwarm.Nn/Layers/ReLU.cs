using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Layers;

/// <summary>max(x, 0).</summary>
public sealed class ReLU : Module
{
    public override Tensor Forward(Tensor input) => Ops.Relu(input);

    public override string ToString() => "ReLU()";
}
