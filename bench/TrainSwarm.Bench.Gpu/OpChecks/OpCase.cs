namespace TrainSwarm.Bench.Gpu.OpChecks;

/// <summary>
/// Elementwise bound of a comparison: |actual − expected| ≤ Atol + Rtol·|expected| (float32 results summed in different orders).
/// </summary>
public sealed record OpTolerance(double Atol, double Rtol)
{
    /// <summary>
    /// How far past the bound <paramref name="actual"/> gets: the worst |a − e| / (Atol + Rtol·|e|); ≤ 1 passes, NaN counts as infinite.
    /// </summary>
    public double WorstRatio(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        if (actual.Length < expected.Length) return double.PositiveInfinity;
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double diff = Math.Abs((double)actual[i] - expected[i]);
            double ratio = double.IsFinite(diff) ? diff / (Atol + Rtol * Math.Abs(expected[i])) : double.PositiveInfinity;
            worst = Math.Max(worst, ratio);
        }
        return worst;
    }
}

/// <summary>
/// One check of `swarm bench gpu-ops`: an op run on named inputs, giving named outputs ("out" and PyTorch's gradient names).
/// </summary>
/// <param name="Op">The op's name, what <c>--ops</c> selects by: gemm, linear, relu, softmax_xent, conv2d, maxpool2d, adam, sgd, model.</param>
/// <param name="Case">What data it runs on, e.g. "golden linear (3x7 -> 5)" or "seeded cnn conv1 (2x1x28x28 -> 32, relu)".</param>
/// <param name="Inputs">The inputs by name; a backward check's upstream gradient is "grad_out".</param>
/// <param name="Run">The op on a device, from (possibly perturbed) inputs to its outputs.</param>
/// <param name="Golden">PyTorch's outputs under the same names, where tools/golden/make_golden.py has them; a shorter golden array is a prefix.</param>
/// <param name="Tolerance">The bound for the comparisons with the CPU twin and with PyTorch.</param>
/// <param name="Differentiable">For the finite-difference check: (input, the output holding its gradient) pairs.</param>
/// <param name="Epsilon">The central difference's step along a seeded direction with entries in [-0.5, 0.5].</param>
/// <param name="ScalarLoss">True when "out" is the loss itself (a loss op); else the loss is Σ out·grad_out.</param>
public sealed record OpCase(
    string Op,
    string Case,
    IReadOnlyDictionary<string, float[]> Inputs,
    Func<IOpDevice, IReadOnlyDictionary<string, float[]>, IReadOnlyDictionary<string, float[]>> Run,
    IReadOnlyDictionary<string, float[]>? Golden,
    OpTolerance Tolerance,
    IReadOnlyList<(string Input, string Gradient)>? Differentiable = null,
    double Epsilon = 1e-2,
    bool ScalarLoss = false);
