using System.Globalization;
using TrainSwarm.Nn;
using TrainSwarm.Nn.Layers;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Models;

/// <summary>
/// Builds a job's model: a preset by name, or a layer list in a small grammar that mirrors PyTorch's constructors:
/// <c>flatten</c>, <c>relu</c>, <c>tanh</c>, <c>linear(in,out)</c>, <c>conv2d(in,out,kernel[,stride[,padding]])</c>,
/// <c>maxpool2d(kernel[,stride])</c>. Parameter names follow the layer index (<c>1.weight</c>), like a PyTorch state_dict.
/// </summary>
public static class ModelBuilder
{
    /// <summary>
    /// The model for <paramref name="preset"/> ending in <paramref name="classes"/> outputs (the dataset's class count), or for
    /// <paramref name="layers"/> when given (which say their own output size), initialized from <paramref name="seed"/>.
    /// </summary>
    public static Sequential Build(string preset, IReadOnlyList<string>? layers, ulong seed, int classes = ModelPresets.DefaultClasses)
    {
        if (layers is null)
            return ModelPresets.Create(preset, seed, classes);
        var parameters = layers.Select((text, i) => ParameterCount(text, i)).Sum();
        if (parameters > MaxParameters)
            throw new FormatException($"the layers hold {parameters:N0} parameters; at most {MaxParameters:N0} are allowed");
        var rng = new Rng(seed);
        return new Sequential(layers.Select((text, i) => Parse(text, i, rng)).ToArray());
    }

    /// <summary>The most parameters a layer list may ask for (80 MB of float32 weights): a spec cannot make the coordinator allocate without bound.</summary>
    public const long MaxParameters = 20_000_000;

    /// <summary>Checks a layer list without keeping the model; throws <see cref="FormatException"/> naming the bad layer.</summary>
    public static void Validate(IReadOnlyList<string> layers) => Build("", layers, 0);

    /// <summary>
    /// Checks that <paramref name="model"/> maps one sample of <paramref name="inputShape"/> (C, H, W) to
    /// <paramref name="classes"/> logits, by running it once; throws <see cref="FormatException"/> saying what does not fit.
    /// </summary>
    public static void CheckFits(Module model, int[] inputShape, int classes)
    {
        using var noGrad = GradMode.NoGrad();
        using var scope = TensorScope.Begin();
        int[] outShape;
        try
        {
            outShape = model.Forward(Tensor.Zeros([1, .. inputShape])).Shape.ToArray();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            throw new FormatException($"the layers do not fit together for {string.Join('×', inputShape)} inputs: {e.Message}", e);
        }
        if (outShape is not [1, var n] || n != classes)
            throw new FormatException($"the model must end with {classes} outputs per sample; it gives ({string.Join(", ", outShape[1..])})");
    }

    // Counted from the arguments before anything is allocated.
    private static long ParameterCount(string text, int index)
    {
        var (name, args) = Split(text, index);
        return (name, args.Length) switch
        {
            ("linear", 2) => (long)args[0] * args[1] + args[1],
            ("conv2d", >= 3) => (long)args[0] * args[1] * args[2] * args[2] + args[1],
            _ => 0,
        };
    }

    private static Module Parse(string text, int index, Rng rng)
    {
        var (name, args) = Split(text, index);
        if (args.Contains(0) && !(name == "conv2d" && args.Length == 5 && Array.IndexOf(args, 0) == 4 && args[..4].All(a => a > 0)))
            throw Bad(text, index, "sizes must be at least 1 (only a padding may be 0)");
        return (name, args.Length) switch
        {
            ("flatten", 0) => new Flatten(),
            ("relu", 0) => new ReLU(),
            ("tanh", 0) => new Tanh(),
            ("linear", 2) => new Linear(args[0], args[1], rng),
            ("conv2d", 3) => new Conv2d(args[0], args[1], args[2], rng),
            ("conv2d", 4) => new Conv2d(args[0], args[1], args[2], rng, stride: args[3]),
            ("conv2d", 5) => new Conv2d(args[0], args[1], args[2], rng, stride: args[3], padding: args[4]),
            ("maxpool2d", 1) => new MaxPool2d(args[0]),
            ("maxpool2d", 2) => new MaxPool2d(args[0], args[1]),
            _ => throw Bad(text, index, "expected flatten, relu, tanh, linear(in,out), conv2d(in,out,k[,stride[,padding]]) or maxpool2d(k[,stride])"),
        };
    }

    internal static (string Name, int[] Args) Split(string text, int index)
    {
        var spec = text.Replace(" ", "", StringComparison.Ordinal).ToLowerInvariant();
        var open = spec.IndexOf('(', StringComparison.Ordinal);
        var name = open < 0 ? spec : spec[..open];
        int[] args = [];
        if (open >= 0)
        {
            if (!spec.EndsWith(')'))
                throw Bad(text, index, "a closing ')' is missing");
            var inner = spec[(open + 1)..^1];
            args = inner.Length == 0 ? [] : inner.Split(',').Select(a =>
                int.TryParse(a, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 65_536
                    ? v : throw Bad(text, index, $"'{a}' is not a whole number between 0 and 65536")).ToArray();
        }
        return (name, args);
    }

    private static FormatException Bad(string text, int index, string why) => new($"layer {index} '{text}': {why}");
}
