using TrainSwarm.Bench.Gpu.OpChecks;
using TrainSwarm.Cuda.Ops;
using TrainSwarm.Cuda.Training;

namespace TrainSwarm.Cuda.Tests;

/// <summary>
/// The CPU side of `swarm bench gpu-ops`, on the CPU engine (CI has no GPU): the golden values load, every case passes on the engine against
/// PyTorch and finite differences, and a device with a wrong result fails the case it is wrong in.
/// </summary>
public sealed class OpChecksTests
{
    private static readonly GoldenSet Golden = new(Path.Combine(AppContext.BaseDirectory, "golden"));
    private static readonly IReadOnlyList<OpCase> Cases = OpCases.All(Golden, 1);

    [Fact]
    public void Every_case_passes_on_the_cpu_engine_against_pytorch_and_finite_differences()
    {
        Assert.Equal(22, Cases.Count);
        Assert.Equal(OpCases.Ops, Cases.Select(c => c.Op).Distinct());
        var engine = new EngineOpDevice();
        foreach (var c in Cases)
        {
            var result = OpChecker.Check(c, engine, twin: null);
            Assert.True(result.Pass, $"{c.Op} {c.Case}: pytorch {result.VsGolden} ({result.VsGoldenWorst}), fd {result.FiniteDifference}");
            Assert.Equal(c.Golden is not null, result.VsGolden is not null);
            Assert.Equal(c.Differentiable is { Count: > 0 }, result.FiniteDifference is not null);
        }
        Assert.Equal(7, Cases.Count(c => c.Golden is not null));
        Assert.Equal(6, Cases.Count(c => c.Differentiable is { Count: > 0 }));
    }

    [Fact]
    public void The_engine_against_itself_is_bitwise_equal_and_the_summary_counts_every_case()
    {
        var lines = new List<IReadOnlyDictionary<string, object>>();
        int failed = GpuOpsBenchmark.Check(OpCases.Select(Cases, "linear,adam"), new EngineOpDevice(), new EngineOpDevice(), lines.Add);
        Assert.Equal(0, failed);
        Assert.Equal(6, lines.Count);
        Assert.All(lines.SkipLast(1), l => Assert.Equal(true, l["bitwise_equal_to_twin"]));
        Assert.All(lines.SkipLast(1), l => Assert.Equal(0.0, l["vs_twin_worst_ratio"]));
        var summary = lines[^1];
        Assert.Equal("gpu_ops_summary", summary["figure"]);
        Assert.Equal(5, summary["passed"]);
        Assert.Equal("linear,adam", summary["ops"]);
    }

    [Fact]
    public void A_wrong_weight_gradient_fails_against_pytorch_and_the_twin()
    {
        var conv = Cases.Single(c => c.Case.StartsWith("golden conv2d", StringComparison.Ordinal));
        var result = OpChecker.Check(conv, new Corrupted(grads => grads["grad_weight"][5] += 1e-3f), new EngineOpDevice());
        Assert.False(result.Pass);
        Assert.True(result.VsGolden > 1, $"{result.VsGolden}");
        Assert.Equal("grad_weight", result.VsGoldenWorst);
        Assert.True(result.VsTwin > 1);
        Assert.False(result.BitwiseEqualToTwin);
        Assert.Equal(false, result.ToLine()["pass"]);
    }

    [Fact]
    public void A_gradient_five_percent_too_large_fails_the_finite_difference_check()
    {
        var linear = Cases.Single(c => c.Case.StartsWith("golden linear", StringComparison.Ordinal));
        var result = OpChecker.Check(linear, new Corrupted(grads =>
        {
            var g = grads["grad_x"];
            for (int i = 0; i < g.Length; i++) g[i] *= 1.05f;
        }), twin: null);
        Assert.Equal("x", result.FiniteDifferenceWorst);
        Assert.InRange(result.FiniteDifference!.Value, 0.045, 0.055);
        Assert.False(result.Pass);
    }

    [Fact]
    public void The_bound_is_atol_plus_rtol_times_the_expected_value_and_a_golden_prefix_is_enough()
    {
        var tolerance = new OpTolerance(1e-5, 1e-4);
        // Values exact in binary: |2.5 − 2| / (0.25 + 0.5·2) = 0.4.
        Assert.Equal(0.4, new OpTolerance(0.25, 0.5).WorstRatio([1f, 2.5f], [1f, 2f]), 12);
        Assert.Equal(double.PositiveInfinity, tolerance.WorstRatio([float.NaN], [1f]));
        Assert.Equal(double.PositiveInfinity, tolerance.WorstRatio([1f], [1f, 2f]));
        Assert.Equal(0, tolerance.WorstRatio([1f, 99f], [1f]));
        var missing = OpChecker.Worst(tolerance, new Dictionary<string, float[]> { ["out"] = [1f] },
            new Dictionary<string, float[]> { ["out"] = [1f], ["grad_x"] = [1f] }, requireAll: true);
        Assert.Equal((double.PositiveInfinity, "grad_x"), missing);
    }

    [Fact]
    public void Ops_select_their_cases_and_an_unknown_op_is_named_with_the_known_ones()
    {
        Assert.Equal(6, OpCases.Select(Cases, "conv2d, maxpool2d").Count);
        Assert.Equal(Cases.Count, OpCases.Select(Cases, null).Count);
        var e = Assert.Throws<ArgumentException>(() => OpCases.ParseOps("conv2d,tanh"));
        Assert.Equal("unknown op tanh; the ops are gemm, linear, relu, softmax_xent, conv2d, maxpool2d, adam, sgd, model", e.Message);
    }

    [Fact]
    public void The_golden_folder_is_found_from_the_tests_and_a_missing_one_is_null()
    {
        var found = GoldenSet.Find();
        Assert.NotNull(found);
        Assert.True(File.Exists(Path.Combine(found, "conv2d.safetensors")));
        Assert.Null(GoldenSet.Find(Path.Combine(AppContext.BaseDirectory, "no-such-folder")));
        var error = Assert.Throws<FileNotFoundException>(() => new GoldenSet(AppContext.BaseDirectory).Open("linear"));
        Assert.Contains("tools/golden/make_golden.py", error.Message, StringComparison.Ordinal);
    }

    // The CPU engine with one result changed after the fact: what a broken kernel would hand the checker.
    private sealed class Corrupted(Action<Dictionary<string, float[]>> change) : IOpDevice
    {
        private readonly EngineOpDevice _engine = new();

        public string Name => "corrupted engine";

        public float[] Gemm(bool transA, bool transB, int m, int n, int k, float[] a, float[] b) => _engine.Gemm(transA, transB, m, n, k, a, b);

        public LayerPass Linear(float[] x, float[] weight, float[] bias, int rows, int inputs, int outputs, bool relu, float[] gradOut) =>
            Change(_engine.Linear(x, weight, bias, rows, inputs, outputs, relu, gradOut));

        public LayerPass Relu(float[] x, float[] gradOut) => Change(_engine.Relu(x, gradOut));

        public LayerPass SoftmaxCrossEntropy(float[] logits, int[] targets, int cols) => Change(_engine.SoftmaxCrossEntropy(logits, targets, cols));

        public LayerPass Conv2d(float[] x, float[] weight, float[] bias, ConvShape shape, bool relu, float[] gradOut) =>
            Change(_engine.Conv2d(x, weight, bias, shape, relu, gradOut));

        public LayerPass MaxPool2(float[] x, int planes, int h, int w, float[] gradOut) => Change(_engine.MaxPool2(x, planes, h, w, gradOut));

        public OptimizerPass OptimizerStep(GpuOptimizerSettings optimizer, int step, float[] weights, float[] gradients, float[] state1, float[] state2) =>
            _engine.OptimizerStep(optimizer, step, weights, gradients, state1, state2);

        public ModelPass TrainSteps(string model, IReadOnlyList<float[]> initial, float[] x, int[] targets, GpuOptimizerSettings optimizer, int steps) =>
            _engine.TrainSteps(model, initial, x, targets, optimizer, steps);

        private LayerPass Change(LayerPass pass)
        {
            var grads = pass.Grads.ToDictionary(g => g.Key, g => (float[])g.Value.Clone());
            change(grads);
            return pass with { Grads = grads };
        }
    }
}
