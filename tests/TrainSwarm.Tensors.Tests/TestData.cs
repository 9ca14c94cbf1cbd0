using TrainSwarm.Tensors;

namespace TrainSwarm.Tensors.Tests;

/// <summary>Seeded random inputs and comparison helpers shared by the tests.</summary>
internal static class TestData
{
    public static float[] Uniform(int n, ulong seed, float low = -1f, float high = 1f)
    {
        var rng = new Rng(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.Uniform(low, high);
        return a;
    }

    /// <summary>Distinct values (a shuffled ramp) so that max-pool and ReLU have no ties or kinks near 0.</summary>
    public static float[] Distinct(int n, ulong seed)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (i - n / 2 + 0.5f) * (2f / n);
        new Rng(seed).Shuffle<float>(a);
        return a;
    }

    public static Tensor Param(float[] values, params int[] shape)
    {
        var t = Tensor.Persistent(values, shape);
        t.RequiresGrad = true;
        return t;
    }

    /// <summary>Largest |a - b| - rtol·|b|, and where: passes when ≤ atol.</summary>
    public static (double Worst, int Index) WorstError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double rtol)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        int at = -1;
        for (int i = 0; i < actual.Length; i++)
        {
            double e = Math.Abs((double)actual[i] - expected[i]) - rtol * Math.Abs(expected[i]);
            if (double.IsNaN(actual[i]) != double.IsNaN(expected[i])) e = double.PositiveInfinity;
            if (e > worst) { worst = e; at = i; }
        }
        return (worst, at);
    }

    public static void AssertClose(
        ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double atol, double rtol, ITestOutputHelper? log = null, string what = "")
    {
        var (worst, at) = WorstError(actual, expected, rtol);
        log?.WriteLine($"{what}: worst excess error {worst:E2} (atol {atol:E1}, rtol {rtol:E1})");
        Assert.True(worst <= atol,
            $"{what}: element {at} is {(at >= 0 ? actual[at] : 0)}, expected {(at >= 0 ? expected[at] : 0)} (excess {worst:E3} > atol {atol:E1})");
    }
}
