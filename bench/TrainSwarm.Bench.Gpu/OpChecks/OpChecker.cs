using TrainSwarm.Tensors;

namespace TrainSwarm.Bench.Gpu.OpChecks;

/// <summary>The verdict on one case: each comparison's worst ratio to its bound (null when not made) and whether all passed.</summary>
public sealed record OpCheckResult(string Op, string Case, string Device, string Twin, double? VsTwin, string? VsTwinWorst, bool? BitwiseEqualToTwin,
    double? VsGolden, string? VsGoldenWorst, double? FiniteDifference, string? FiniteDifferenceWorst, OpTolerance Tolerance)
{
    /// <summary>Every comparison made stays within its bound (ratio ≤ 1; the finite differences within <see cref="OpChecker.FdTolerance"/>).</summary>
    public bool Pass => VsTwin is null or <= 1 && VsGolden is null or <= 1 && FiniteDifference is null or <= OpChecker.FdTolerance;

    /// <summary>The JSON line's fields.</summary>
    public Dictionary<string, object> ToLine()
    {
        var line = new Dictionary<string, object>
        {
            ["figure"] = "gpu_op", ["op"] = Op, ["case"] = Case, ["device"] = Device, ["twin"] = Twin,
            ["atol"] = Tolerance.Atol, ["rtol"] = Tolerance.Rtol,
        };
        if (VsTwin is { } t)
            (line["vs_twin_worst_ratio"], line["vs_twin_worst_output"], line["bitwise_equal_to_twin"]) = (Round(t), VsTwinWorst!, BitwiseEqualToTwin!);
        if (VsGolden is { } g) (line["vs_pytorch_worst_ratio"], line["vs_pytorch_worst_output"]) = (Round(g), VsGoldenWorst!);
        if (FiniteDifference is { } f)
            (line["finite_difference_rel_err"], line["finite_difference_worst_input"], line["finite_difference_tolerance"]) =
                (Round(f), FiniteDifferenceWorst!, OpChecker.FdTolerance);
        line["pass"] = Pass;
        return line;
    }

    private static double Round(double value) => double.IsFinite(value) ? Math.Round(value, 6) : double.MaxValue;
}

/// <summary>
/// Runs one <see cref="OpCase"/> on a device and checks it three ways: against a twin device (the CPU engine for the GPU) output by output,
/// against PyTorch's golden values, and each gradient against central finite differences of the device's own forward pass along one
/// seeded direction: (L(θ + εv) − L(θ − εv)) / 2ε against Σ ∂L/∂θ · v, L accumulated in double.
/// </summary>
public static class OpChecker
{
    /// <summary>Relative error allowed between a directional derivative and its central difference (float32 forward passes).</summary>
    public const double FdTolerance = 1e-2;

    public static OpCheckResult Check(OpCase c, IOpDevice device, IOpDevice? twin, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(device);
        var outputs = c.Run(device, c.Inputs);
        (double? vsTwin, string? twinKey, bool? bitwise) = (null, null, null);
        if (twin is not null)
        {
            var expected = c.Run(twin, c.Inputs);
            (vsTwin, twinKey) = Worst(c.Tolerance, outputs, expected, requireAll: true);
            bitwise = expected.All(e => outputs.TryGetValue(e.Key, out var a) && a.AsSpan().SequenceEqual(e.Value));
        }
        (double? vsGolden, string? goldenKey) = (null, null);
        if (c.Golden is not null) (vsGolden, goldenKey) = Worst(c.Tolerance, outputs, c.Golden, requireAll: true);
        (double? fd, string? fdKey) = (null, null);
        if (c.Differentiable is { Count: > 0 }) (fd, fdKey) = FiniteDifferences(c, device, outputs, seed);
        return new OpCheckResult(c.Op, c.Case, device.Name, twin?.Name ?? "none", vsTwin, twinKey, bitwise, vsGolden, goldenKey, fd, fdKey, c.Tolerance);
    }

    /// <summary>The worst ratio over every expected output and the output it is in; an expected output that is missing is infinitely wrong.</summary>
    public static (double Ratio, string Output) Worst(OpTolerance tolerance, IReadOnlyDictionary<string, float[]> actual,
        IReadOnlyDictionary<string, float[]> expected, bool requireAll)
    {
        ArgumentNullException.ThrowIfNull(tolerance);
        (double ratio, string key) = (0, "");
        foreach (var (name, values) in expected.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (!actual.TryGetValue(name, out var got))
            {
                if (requireAll) return (double.PositiveInfinity, name);
                continue;
            }
            double r = tolerance.WorstRatio(got, values);
            if (r > ratio || key.Length == 0) (ratio, key) = (Math.Max(ratio, r), r >= ratio ? name : key);
        }
        return (ratio, key);
    }

    /// <summary>The worst relative error of the directional derivatives over the case's differentiable inputs.</summary>
    public static (double RelErr, string Input) FiniteDifferences(OpCase c, IOpDevice device, IReadOnlyDictionary<string, float[]> outputs, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(c);
        (double worst, string at) = (0, "");
        var rng = new Rng(seed);
        foreach (var (input, gradient) in c.Differentiable ?? [])
        {
            var x = c.Inputs[input];
            var v = new float[x.Length];
            for (int i = 0; i < v.Length; i++) v[i] = rng.NextFloat() - 0.5f;
            double analytic = 0;
            var g = outputs[gradient];
            for (int i = 0; i < v.Length; i++) analytic += (double)g[i] * v[i];
            double plus = Loss(c, device, Shifted(c.Inputs, input, v, c.Epsilon)), minus = Loss(c, device, Shifted(c.Inputs, input, v, -c.Epsilon));
            double numeric = (plus - minus) / (2 * c.Epsilon);
            double rel = Math.Abs(numeric - analytic) / Math.Max(Math.Max(Math.Abs(numeric), Math.Abs(analytic)), 1e-6);
            if (!double.IsFinite(rel)) rel = double.PositiveInfinity;
            if (rel > worst || at.Length == 0) (worst, at) = (Math.Max(worst, rel), rel >= worst ? input : at);
        }
        return (worst, at);
    }

    private static double Loss(OpCase c, IOpDevice device, IReadOnlyDictionary<string, float[]> inputs)
    {
        var output = c.Run(device, inputs)["out"];
        if (c.ScalarLoss) return output[0];
        var gradOut = inputs["grad_out"];
        double sum = 0;
        for (int i = 0; i < output.Length; i++) sum += (double)output[i] * gradOut[i];
        return sum;
    }

    private static Dictionary<string, float[]> Shifted(IReadOnlyDictionary<string, float[]> inputs, string name, float[] direction, double epsilon)
    {
        var copy = inputs.ToDictionary(i => i.Key, i => i.Value);
        var shifted = (float[])inputs[name].Clone();
        for (int i = 0; i < shifted.Length; i++) shifted[i] = (float)(shifted[i] + epsilon * direction[i]);
        copy[name] = shifted;
        return copy;
    }
}
