namespace TrainSwarm.Learning.Models;

/// <summary>Floating-point operations per sample of a model: one forward pass, and one training step (forward + backward).</summary>
/// <param name="Forward">FLOPs of one forward pass of one sample.</param>
/// <param name="Training">FLOPs of one training step of one sample: forward plus backward.</param>
public readonly record struct FlopCount(long Forward, long Training);

/// <summary>
/// Counts a model's FLOPs per sample exactly, from its preset name or layer list, by walking the layers and their shapes
/// (no weights are allocated). The convention:
/// <list type="bullet">
/// <item><c>linear</c> and <c>conv2d</c>: 2 FLOPs per multiply-add, plus 1 per output element for the bias add;
/// backward = 2 × forward (the gradient of the input and the gradient of the weights).</item>
/// <item><c>relu</c> and <c>tanh</c>: 1 FLOP per element; backward = 1 × forward.</item>
/// <item><c>maxpool2d(k)</c>: k·k − 1 comparisons per output element; backward = 1 × forward.</item>
/// <item><c>flatten</c>: 0.</item>
/// </list>
/// Training FLOPs per sample = forward + backward; optimizer updates and the loss are per step, not per sample, and are left out.
/// </summary>
public static class FlopCounter
{
    // The presets as layer lists: the same layers ModelPresets builds.
    private static readonly Dictionary<string, string[]> PresetLayers = new(StringComparer.Ordinal)
    {
        ["mlp"] = ["flatten", "linear(784,128)", "relu", "linear(128,10)"],
        ["cnn"] =
        [
            "conv2d(1,32,3)", "relu", "maxpool2d(2)", "conv2d(32,64,3)", "relu", "maxpool2d(2)", "flatten", "linear(1600,128)", "relu",
            "linear(128,10)",
        ],
        ["cnn-rgb32"] =
        [
            "conv2d(3,32,3)", "relu", "maxpool2d(2)", "conv2d(32,64,3)", "relu", "maxpool2d(2)", "flatten", "linear(2304,128)", "relu",
            "linear(128,10)",
        ],
    };

    /// <summary>
    /// The layer list of a preset for <paramref name="classes"/> classes, in the <see cref="ModelBuilder"/> grammar: every preset
    /// ends in linear(128, classes), as <see cref="ModelPresets.Create(string, ulong, int)"/> builds it.
    /// </summary>
    public static IReadOnlyList<string> LayersOf(string preset, int classes = ModelPresets.DefaultClasses) =>
        PresetLayers.TryGetValue(preset, out var layers) ? [.. layers[..^1], $"linear(128,{classes})"]
            : throw new ArgumentException($"unknown model '{preset}'; choose one of: {string.Join(", ", ModelPresets.Names)}");

    /// <summary>
    /// FLOPs per sample of the preset <paramref name="preset"/>, or of <paramref name="layers"/> when given, for inputs of
    /// <paramref name="inputShape"/> (C, H, W); a preset ends in <paramref name="classes"/> outputs.
    /// </summary>
    /// <exception cref="FormatException">A layer is malformed or does not fit the shape it receives.</exception>
    public static FlopCount Count(string preset, IReadOnlyList<string>? layers, int[] inputShape, int classes = ModelPresets.DefaultClasses)
    {
        layers ??= LayersOf(preset, classes);
        long[] shape = [.. inputShape.Select(d => (long)d)];
        long forward = 0, training = 0;
        for (var i = 0; i < layers.Count; i++)
        {
            var (name, args) = ModelBuilder.Split(layers[i], i);
            long f;
            int backwardFactor;
            switch (name, args.Length)
            {
                case ("flatten", 0):
                    shape = [Product(shape)];
                    continue;
                case ("relu" or "tanh", 0):
                    f = Product(shape);
                    backwardFactor = 1;
                    break;
                case ("linear", 2):
                    if (shape[^1] != args[0])
                        throw Bad(layers[i], i, $"expects {args[0]} input features, gets {shape[^1]}");
                    var rows = Product(shape) / shape[^1];
                    shape = [.. shape[..^1], args[1]];
                    f = checked(rows * args[1] * (2L * args[0] + 1));
                    backwardFactor = 2;
                    break;
                case ("conv2d", >= 3 and <= 5):
                {
                    var (cin, cout, k) = (args[0], args[1], args[2]);
                    var stride = args.Length > 3 ? args[3] : 1;
                    var padding = args.Length > 4 ? args[4] : 0;
                    if (shape.Length != 3 || shape[0] != cin)
                        throw Bad(layers[i], i, $"expects {cin}×H×W inputs, gets {string.Join('×', shape)}");
                    var h = (shape[1] + 2 * padding - k) / stride + 1;
                    var w = (shape[2] + 2 * padding - k) / stride + 1;
                    if (shape[1] + 2 * padding < k || shape[2] + 2 * padding < k)
                        throw Bad(layers[i], i, $"the kernel is larger than the {shape[1]}×{shape[2]} input");
                    shape = [cout, h, w];
                    f = checked(Product(shape) * (2L * cin * k * k + 1));
                    backwardFactor = 2;
                    break;
                }
                case ("maxpool2d", 1 or 2):
                {
                    var k = args[0];
                    var stride = args.Length > 1 ? args[1] : k;
                    if (shape.Length != 3 || shape[1] < k || shape[2] < k)
                        throw Bad(layers[i], i, $"needs C×H×W inputs of at least {k}×{k}, gets {string.Join('×', shape)}");
                    shape = [shape[0], (shape[1] - k) / stride + 1, (shape[2] - k) / stride + 1];
                    f = checked(Product(shape) * ((long)k * k - 1));
                    backwardFactor = 1;
                    break;
                }
                default:
                    throw Bad(layers[i], i, "expected flatten, relu, tanh, linear(in,out), conv2d(in,out,k[,stride[,padding]]) or maxpool2d(k[,stride])");
            }
            forward = checked(forward + f);
            training = checked(training + f + backwardFactor * f);
        }
        return new FlopCount(forward, training);
    }

    private static long Product(long[] shape) => shape.Aggregate(1L, (a, b) => checked(a * b));

    private static FormatException Bad(string text, int index, string why) => new($"layer {index} '{text}': {why}");
}
