using TrainSwarm.Nn.Init;
using TrainSwarm.Tensors;

namespace TrainSwarm.Nn.Layers;

/// <summary>2-d convolution. Input (B, C, H, W) -> (B, OC, OH, OW). Initialized like torch.nn.Conv2d.</summary>
public sealed class Conv2d : Module
{
    /// <summary>Creates the layer and initializes it from <paramref name="rng"/>.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, int padding = 0, bool bias = true)
    {
        if (inChannels < 1 || outChannels < 1 || kernelSize < 1) throw new ArgumentException("conv2d sizes must be positive");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Weight = NewParameter(outChannels, inChannels, kernelSize, kernelSize);
        Bias = bias ? NewParameter(outChannels) : null;
        Initializers.ResetLikePyTorch(Weight, Bias, fanIn: inChannels * kernelSize * kernelSize, rng);
    }

    public int InChannels { get; }
    public int OutChannels { get; }
    public int KernelSize { get; }
    public int Stride { get; }
    public int Padding { get; }

    /// <summary>(OC, C, K, K).</summary>
    public Tensor Weight { get; }

    /// <summary>(OC), or null.</summary>
    public Tensor? Bias { get; }

    public override Tensor Forward(Tensor input) => Ops.Conv2d(input, Weight, Bias, Stride, Padding);

    public override IEnumerable<(string Name, Tensor Value)> NamedParameters()
    {
        yield return ("weight", Weight);
        if (Bias is not null) yield return ("bias", Bias);
    }

    public override string ToString() =>
        $"Conv2d({InChannels}, {OutChannels}, kernel_size={KernelSize}" +
        $"{(Stride != 1 ? $", stride={Stride}" : "")}{(Padding != 0 ? $", padding={Padding}" : "")})";
}
