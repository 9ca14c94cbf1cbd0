using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Nn.Tests;

/// <summary>
/// The golden files written by tools/golden/make_golden.py (PyTorch) open with our reader and hold the keys and
/// shapes the engine tests rely on. This also proves we read files that Python wrote.
/// </summary>
public class GoldenFilesTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "golden");

    private static SafeTensorsFile Open(string name) => SafeTensorsReader.Read(Path.Combine(Dir, name + ".safetensors"));

    private static void Shapes(SafeTensorsFile f, params (string Key, int[] Shape)[] expected) => Shapes(f, [], expected);

    // Every key in expected is F32 with that shape, and the file holds exactly those keys plus otherKeys.
    private static void Shapes(SafeTensorsFile f, string[] otherKeys, params (string Key, int[] Shape)[] expected)
    {
        foreach ((string key, int[] shape) in expected)
        {
            Assert.True(f.Contains(key), $"missing key '{key}'");
            Assert.Equal(SafeTensorsDtype.F32, f[key].Dtype);
            f[key].EnsureShape(shape);
        }
        Assert.Equal(expected.Select(e => e.Key).Concat(otherKeys).Order(StringComparer.Ordinal), f.Names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_file_is_present_and_small()
    {
        string[] names = Directory.GetFiles(Dir, "*.safetensors").Select(Path.GetFileNameWithoutExtension).Order().ToArray()!;
        Assert.Equal(["categorical", "causal_attention", "cnn", "conv2d", "conv2d_pad_stride", "cross_entropy", "embedding", "gelu", "gpt",
            "layer_norm", "linear", "log_softmax", "maxpool2d", "mlp", "mse", "ppo_step", "ppo_surrogate", "relu", "tanh"], names);
        long total = Directory.GetFiles(Dir).Sum(p => new FileInfo(p).Length);
        Assert.True(total < 4_000_000, $"golden files total {total} bytes");
        foreach (string n in names) Assert.Equal("tools/golden/make_golden.py", Open(n).Metadata["generator"]);
    }

    [Fact]
    public void Layer_files_hold_inputs_parameters_outputs_and_gradients()
    {
        Shapes(Open("linear"), ("x", [3, 7]), ("weight", [5, 7]), ("bias", [5]), ("out", [3, 5]), ("grad_out", [3, 5]),
            ("grad_x", [3, 7]), ("grad_weight", [5, 7]), ("grad_bias", [5]));
        Shapes(Open("conv2d"), ("x", [2, 3, 7, 6]), ("weight", [4, 3, 3, 3]), ("bias", [4]), ("out", [2, 4, 5, 4]),
            ("grad_out", [2, 4, 5, 4]), ("grad_x", [2, 3, 7, 6]), ("grad_weight", [4, 3, 3, 3]), ("grad_bias", [4]));
        // (9 + 2 - 3) / 2 + 1 = 5 rows, (8 + 2 - 3) / 2 + 1 = 4 columns.
        Shapes(Open("conv2d_pad_stride"), ("x", [2, 2, 9, 8]), ("weight", [3, 2, 3, 3]), ("bias", [3]), ("out", [2, 3, 5, 4]),
            ("grad_out", [2, 3, 5, 4]), ("grad_x", [2, 2, 9, 8]), ("grad_weight", [3, 2, 3, 3]), ("grad_bias", [3]));
        Shapes(Open("maxpool2d"), ("x", [2, 3, 6, 6]), ("out", [2, 3, 3, 3]), ("grad_out", [2, 3, 3, 3]), ("grad_x", [2, 3, 6, 6]));
        Shapes(Open("relu"), ("x", [3, 8]), ("out", [3, 8]), ("grad_out", [3, 8]), ("grad_x", [3, 8]));
        Shapes(Open("tanh"), ("x", [3, 8]), ("out", [3, 8]), ("grad_out", [3, 8]), ("grad_x", [3, 8]));
        Shapes(Open("log_softmax"), ("x", [4, 10]), ("out", [4, 10]), ("grad_out", [4, 10]), ("grad_x", [4, 10]));
    }

    [Fact]
    public void Loss_files_hold_scalar_losses_and_integer_targets()
    {
        SafeTensorsFile ce = Open("cross_entropy");
        Assert.Equal(SafeTensorsDtype.I64, ce["targets"].Dtype);
        ce["targets"].EnsureShape(5);
        Assert.All(ce["targets"].AsI64(), t => Assert.InRange(t, 0, 9));
        Shapes(ce, ["targets"], ("logits", [5, 10]), ("out", []), ("grad_logits", [5, 10]));
        Shapes(Open("mse"), ("a", [4, 3]), ("b", [4, 3]), ("out", []), ("grad_a", [4, 3]));
    }

    [Fact]
    public void Decoded_values_obey_the_math_they_came_from()
    {
        // Exact checks that only hold if every float was decoded at the right offset: relu's gradient is
        // grad_out where x > 0 and 0 elsewhere (tolerance 0), and exp(log_softmax) rows sum to 1 (tolerance 1e-5).
        SafeTensorsFile relu = Open("relu");
        float[] x = relu["x"].AsF32(), g = relu["grad_out"].AsF32(), gx = relu["grad_x"].AsF32(), y = relu["out"].AsF32();
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(x[i] > 0 ? g[i] : 0f, gx[i]);
            Assert.Equal(Math.Max(x[i], 0f), y[i]);
        }
        float[] ls = Open("log_softmax")["out"].AsF32();
        for (int r = 0; r < 4; r++)
        {
            double sum = ls.AsSpan(r * 10, 10).ToArray().Sum(v => Math.Exp(v));
            Assert.Equal(1.0, sum, 1e-5);
        }
        // Mean cross-entropy of 10 classes at a random init sits near ln(10) = 2.30; tolerance 0.5.
        Assert.Equal(Math.Log(10), Open("mlp")["loss"].AsF32()[0], 0.5);
    }

    public static TheoryData<string, string[]> Models => new()
    {
        { "mlp", ["adam", "sgd", "adamw"] },
        { "cnn", ["adam"] },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Model_files_hold_parameters_gradients_and_optimizer_steps(string model, string[] optimizers)
    {
        Dictionary<string, int[]> parameters = model == "mlp"
            ? new() { ["1.weight"] = [128, 784], ["1.bias"] = [128], ["3.weight"] = [10, 128], ["3.bias"] = [10] }
            : new()
            {
                ["0.weight"] = [32, 1, 3, 3], ["0.bias"] = [32], ["3.weight"] = [64, 32, 3, 3], ["3.bias"] = [64],
                ["7.weight"] = [128, 1600], ["7.bias"] = [128], ["9.weight"] = [10, 128], ["9.bias"] = [10],
            };
        var expected = new List<(string, int[])> { ("x", [4, 1, 28, 28]), ("logits", [4, 10]), ("loss", []) };
        foreach ((string name, int[] shape) in parameters)
        {
            expected.Add(("param." + name, shape));
            expected.Add(("grad." + name, shape));
            // The one big weight keeps only its first 16 rows after optimizer steps (see tools/golden/README.md).
            int[] stepShape = shape[0] * shape.Skip(1).Aggregate(1, (a, b) => a * b) > 65536 ? [16, .. shape[1..]] : shape;
            foreach (string opt in optimizers)
            {
                expected.Add(($"{opt}1.{name}", stepShape));
                expected.Add(($"{opt}2.{name}", stepShape));
            }
        }
        SafeTensorsFile f = Open(model);
        Assert.Equal(SafeTensorsDtype.I64, f["targets"].Dtype);
        f["targets"].EnsureShape(4);
        Shapes(f, ["targets"], [.. expected]);

        // An optimizer step moves the parameters, and the second step moves them again.
        foreach (string opt in optimizers)
        {
            string name = parameters.Keys.Last();
            Assert.NotEqual(f["param." + name].AsF32(), f[$"{opt}1.{name}"].AsF32());
            Assert.NotEqual(f[$"{opt}1.{name}"].AsF32(), f[$"{opt}2.{name}"].AsF32());
        }
    }
}
