using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Layers;

/// <summary>(B, ...) -> (B, rest), without copying.</summary>
public sealed class Flatten : Module
{
    public override Tensor Forward(Tensor input) => Ops.Flatten(input);

    public override string ToString() => "Flatten()";
}
