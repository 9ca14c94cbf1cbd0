using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Layers;

/// <summary>Max pooling over square windows; stride defaults to the window size.</summary>
public sealed class MaxPool2d(int kernelSize, int? stride = null) : Module
{
    public int KernelSize { get; } = kernelSize;
    public int Stride { get; } = stride ?? kernelSize;

    public override Tensor Forward(Tensor input) => Ops.MaxPool2d(input, KernelSize, Stride);

    public override string ToString() => $"MaxPool2d({KernelSize})";
}
