using TrainSwarm.Cuda.Ops;
using TrainSwarm.Cuda.Training;
using TrainSwarm.Learning.Models;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Tensors;

namespace TrainSwarm.Bench.Gpu.OpChecks;

/// <summary>
/// Every case of `swarm bench gpu-ops`: PyTorch's golden layers (compared with PyTorch, the CPU twin and finite differences), the same ops
/// at the presets' own shapes on seeded data (compared with the CPU twin), the optimizer kernels, and the two presets' whole training steps
/// against PyTorch's two Adam steps.
/// </summary>
public static class OpCases
{
    /// <summary>Golden layers: |ours − torch| ≤ 1e-5 + 1e-4·|torch|, as the CPU engine's own golden tests (GoldenLayerTests).</summary>
    public static readonly OpTolerance Layer = new(1e-5, 1e-4);

    /// <summary>Seeded layers at the presets' shapes: sums of up to 1,352 products, so the absolute bound is 1e-4.</summary>
    public static readonly OpTolerance Seeded = new(1e-4, 1e-4);

    /// <summary>Optimizer kernels: element-wise, the same operations in the same order as the CPU engine's, so equal to a few ulps.</summary>
    public static readonly OpTolerance Optimizer = new(1e-7, 1e-6);

    /// <summary>Whole steps: the CPU engine's golden model tests' bound (Adam's 1/√v magnifies rounding in tiny gradients; GoldenModelTests).</summary>
    public static readonly OpTolerance Model = new(2e-5, 1e-4);

    /// <summary>The op names, in the order the cases run (what <c>--ops</c> selects by).</summary>
    public static IReadOnlyList<string> Ops { get; } = ["gemm", "linear", "relu", "softmax_xent", "conv2d", "maxpool2d", "adam", "sgd", "model"];

    /// <summary>Every case, from the golden files in <paramref name="golden"/> and data seeded by <paramref name="seed"/>.</summary>
    public static IReadOnlyList<OpCase> All(GoldenSet golden, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(golden);
        var rng = new Rng(seed);
        var cases = new List<OpCase>();
        foreach (var (ta, tb, m, n, k, what) in new[]
                 {
                     (false, true, 64, 128, 784, "mlp forward x·Wᵀ"), (true, false, 128, 784, 64, "mlp weight gradient dYᵀ·x"),
                     (false, false, 64, 784, 128, "input gradient dY·W"), (true, true, 33, 17, 29, "both transposed, odd sizes"),
                 })
        {
            var a = Values(rng, (long)m * k, 1f);
            var b = Values(rng, (long)k * n, 1f);
            cases.Add(new OpCase("gemm", $"seeded {what} ({m}x{k} · {k}x{n})", new Dictionary<string, float[]> { ["a"] = a, ["b"] = b },
                (d, i) => Out(d.Gemm(ta, tb, m, n, k, i["a"], i["b"])), null, Seeded));
        }
        cases.Add(GoldenLinear(golden.Open("linear")));
        cases.Add(SeededLinear(rng, 64, 784, 128, relu: true, "mlp layer 1"));
        cases.Add(SeededLinear(rng, 64, 128, 10, relu: false, "mlp layer 2"));
        cases.Add(GoldenRelu(golden.Open("relu")));
        cases.Add(GoldenCrossEntropy(golden.Open("cross_entropy")));
        cases.Add(SeededCrossEntropy(rng, 64, 10));
        cases.Add(GoldenConv(golden.Open("conv2d")));
        cases.Add(SeededConv(rng, new ConvShape(2, 1, 28, 28, 32, 3), "cnn conv1"));
        cases.Add(SeededConv(rng, new ConvShape(2, 32, 13, 13, 64, 3), "cnn conv2"));
        cases.Add(GoldenPool(golden.Open("maxpool2d")));
        cases.Add(SeededPool(rng, 2 * 32, 26, 26, "cnn pool1"));
        cases.Add(SeededPool(rng, 2 * 64, 11, 11, "cnn pool2, odd size"));
        foreach (var settings in new[] { GpuOptimizerSettings.Adam(1e-3f), GpuOptimizerSettings.Sgd(0.01f, 0.9f) })
            foreach (int step in new[] { 1, 7 })
                cases.Add(OptimizerCase(rng, settings, step));
        cases.Add(ModelCase(golden.Open("mlp"), "mlp"));
        cases.Add(ModelCase(golden.Open("cnn"), "cnn"));
        return cases;
    }

    /// <summary>The cases of the named ops (comma-separated, e.g. "conv2d,maxpool2d"); null or empty selects all.</summary>
    public static IReadOnlyList<OpCase> Select(IReadOnlyList<OpCase> cases, string? ops)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var names = ParseOps(ops);
        return [.. cases.Where(c => names.Contains(c.Op))];
    }

    /// <summary>The op names of <paramref name="ops"/>; an unknown one throws with the list of known ones.</summary>
    public static IReadOnlySet<string> ParseOps(string? ops)
    {
        if (string.IsNullOrWhiteSpace(ops)) return Ops.ToHashSet(StringComparer.Ordinal);
        var names = ops.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var unknown = names.Where(n => !Ops.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"unknown op {string.Join(", ", unknown)}; the ops are {string.Join(", ", Ops)}");
        return names;
    }

    private static OpCase GoldenLinear(SafeTensorsFile f)
    {
        int rows = f["x"].Shape[0], inputs = f["x"].Shape[1], outputs = f["weight"].Shape[0];
        return new OpCase("linear", $"golden linear ({rows}x{inputs} -> {outputs})", Named(f, "x", "weight", "bias", "grad_out"),
            (d, i) => Pass(d.Linear(i["x"], i["weight"], i["bias"], rows, inputs, outputs, false, i["grad_out"])),
            Named(f, "out", "grad_x", "grad_weight", "grad_bias"), Layer, [("x", "grad_x"), ("weight", "grad_weight"), ("bias", "grad_bias")]);
    }

    private static OpCase SeededLinear(Rng rng, int rows, int inputs, int outputs, bool relu, string what)
    {
        var inputsByName = new Dictionary<string, float[]>
        {
            ["x"] = Values(rng, (long)rows * inputs, 1f), ["weight"] = Values(rng, (long)outputs * inputs, 1f / MathF.Sqrt(inputs)),
            ["bias"] = Values(rng, outputs, 0.1f), ["grad_out"] = Values(rng, (long)rows * outputs, 1f),
        };
        return new OpCase("linear", $"seeded {what} ({rows}x{inputs} -> {outputs}{(relu ? ", relu" : "")})", inputsByName,
            (d, i) => Pass(d.Linear(i["x"], i["weight"], i["bias"], rows, inputs, outputs, relu, i["grad_out"])), null, Seeded);
    }

    private static OpCase GoldenRelu(SafeTensorsFile f) =>
        new("relu", "golden relu (3x8)", Named(f, "x", "grad_out"), (d, i) => Pass(d.Relu(i["x"], i["grad_out"])), Named(f, "out", "grad_x"),
            Layer, [("x", "grad_x")], Epsilon: 1e-3);

    private static OpCase GoldenCrossEntropy(SafeTensorsFile f)
    {
        var targets = f["targets"].AsI64().Select(v => (int)v).ToArray();
        int cols = f["logits"].Shape[1];
        return new OpCase("softmax_xent", $"golden cross_entropy ({targets.Length}x{cols})", Named(f, "logits"),
            (d, i) => Pass(d.SoftmaxCrossEntropy(i["logits"], targets, cols)), Named(f, "out", "grad_logits"), Layer, [("logits", "grad_logits")],
            ScalarLoss: true);
    }

    private static OpCase SeededCrossEntropy(Rng rng, int rows, int cols)
    {
        var targets = Enumerable.Range(0, rows).Select(_ => rng.NextInt(cols)).ToArray();
        return new OpCase("softmax_xent", $"seeded batch ({rows}x{cols})", new Dictionary<string, float[]> { ["logits"] = Values(rng, (long)rows * cols, 4f) },
            (d, i) => Pass(d.SoftmaxCrossEntropy(i["logits"], targets, cols)), null, Seeded, [("logits", "grad_logits")], ScalarLoss: true);
    }

    private static OpCase GoldenConv(SafeTensorsFile f)
    {
        var x = f["x"].Shape;
        var shape = new ConvShape(x[0], x[1], x[2], x[3], f["weight"].Shape[0], f["weight"].Shape[2]);
        return new OpCase("conv2d", $"golden conv2d ({x[0]}x{x[1]}x{x[2]}x{x[3]} -> {shape.OutChannels}, {shape.Kernel}x{shape.Kernel})",
            Named(f, "x", "weight", "bias", "grad_out"), (d, i) => Pass(d.Conv2d(i["x"], i["weight"], i["bias"], shape, false, i["grad_out"])),
            Named(f, "out", "grad_x", "grad_weight", "grad_bias"), Layer, [("x", "grad_x"), ("weight", "grad_weight"), ("bias", "grad_bias")]);
    }

    private static OpCase SeededConv(Rng rng, ConvShape s, string what)
    {
        var inputs = new Dictionary<string, float[]>
        {
            ["x"] = Values(rng, s.InputLength, 1f), ["weight"] = Values(rng, s.WeightLength, 1f / MathF.Sqrt(s.Columns)),
            ["bias"] = Values(rng, s.OutChannels, 0.1f), ["grad_out"] = Values(rng, s.OutputLength, 1f),
        };
        return new OpCase("conv2d", $"seeded {what} ({s.Batch}x{s.Channels}x{s.Height}x{s.Width} -> {s.OutChannels}, relu)", inputs,
            (d, i) => Pass(d.Conv2d(i["x"], i["weight"], i["bias"], s, true, i["grad_out"])), null, Seeded);
    }

    private static OpCase GoldenPool(SafeTensorsFile f)
    {
        var x = f["x"].Shape;
        int planes = x[0] * x[1];
        return new OpCase("maxpool2d", $"golden maxpool2d ({x[0]}x{x[1]}x{x[2]}x{x[3]})", Named(f, "x", "grad_out"),
            (d, i) => Pass(d.MaxPool2(i["x"], planes, x[2], x[3], i["grad_out"])), Named(f, "out", "grad_x"), Layer, [("x", "grad_x")], Epsilon: 1e-3);
    }

    private static OpCase SeededPool(Rng rng, int planes, int h, int w, string what)
    {
        var inputs = new Dictionary<string, float[]>
        {
            ["x"] = Values(rng, (long)planes * h * w, 1f), ["grad_out"] = Values(rng, (long)planes * (h / 2) * (w / 2), 1f),
        };
        return new OpCase("maxpool2d", $"seeded {what} ({planes}x{h}x{w})", inputs, (d, i) => Pass(d.MaxPool2(i["x"], planes, h, w, i["grad_out"])),
            null, Seeded);
    }

    private static OpCase OptimizerCase(Rng rng, GpuOptimizerSettings settings, int step)
    {
        const int n = 4099;
        // A later step starts from a state an earlier one could have left: moments of the gradients' size, v ≥ 0.
        var inputs = new Dictionary<string, float[]>
        {
            ["w"] = Values(rng, n, 1f), ["g"] = Values(rng, n, 0.1f),
            ["s1"] = step == 1 ? new float[n] : Values(rng, n, 0.05f),
            ["s2"] = step == 1 ? new float[n] : [.. Values(rng, n, 0.05f).Select(v => v * v)],
        };
        return new OpCase(settings.Name, $"seeded step {step} ({n} values, lr {settings.LearningRate})", inputs, (d, i) =>
        {
            var r = d.OptimizerStep(settings, step, i["w"], i["g"], i["s1"], i["s2"]);
            var outputs = new Dictionary<string, float[]> { ["weights"] = r.Weights, ["state1"] = r.State1 };
            if (settings.Name == "adam") outputs["state2"] = r.State2;
            return outputs;
        }, null, Optimizer);
    }

    private static OpCase ModelCase(SafeTensorsFile f, string model)
    {
        var names = ModelPresets.Create(model, 0).NamedParameters().Select(p => p.Name).ToList();
        var initial = names.Select(n => f["param." + n].AsF32().ToArray()).ToList();
        var targets = f["targets"].AsI64().Select(v => (int)v).ToArray();
        var x = f["x"].AsF32().ToArray();
        var golden = new Dictionary<string, float[]> { ["loss"] = f["loss"].AsF32().ToArray() };
        foreach (int step in new[] { 1, 2 })
            foreach (var n in names)
                golden[$"adam{step}.{n}"] = f[$"adam{step}.{n}"].AsF32().ToArray();
        return new OpCase("model", $"golden {model}: loss and 2 Adam steps (lr 1e-3, batch {targets.Length})", new Dictionary<string, float[]> { ["x"] = x },
            (d, i) =>
            {
                var r = d.TrainSteps(model, initial, i["x"], targets, GpuOptimizerSettings.Adam(1e-3f), 2);
                var outputs = new Dictionary<string, float[]> { ["loss"] = [r.Loss] };
                for (int s = 0; s < r.ParametersAfterStep.Count; s++)
                    for (int p = 0; p < names.Count; p++)
                        outputs[$"adam{s + 1}.{names[p]}"] = r.ParametersAfterStep[s][p];
                return outputs;
            }, golden, Model);
    }

    private static Dictionary<string, float[]> Named(SafeTensorsFile f, params string[] keys) => keys.ToDictionary(k => k, k => f[k].AsF32().ToArray());

    private static Dictionary<string, float[]> Out(float[] values) => new() { ["out"] = values };

    private static IReadOnlyDictionary<string, float[]> Pass(LayerPass pass)
    {
        var outputs = new Dictionary<string, float[]>(pass.Grads) { ["out"] = pass.Out };
        return outputs;
    }

    private static float[] Values(Rng rng, long count, float scale)
    {
        var values = new float[count];
        for (long i = 0; i < count; i++) values[i] = (rng.NextFloat() * 2 - 1) * scale;
        return values;
    }
}
