using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Tensors;

namespace TrainSwarm.Bench.Byzantine;

/// <summary>
/// What the Byzantine workers of the grid send instead of their honest update. Each attack is the one the
/// robust-aggregation papers use, applied to deltas (trained − base) rather than gradients.
/// </summary>
public static class Attacks
{
    /// <summary>Every attack the grid knows, in the order it reports them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sign-flip", "gaussian", "alie", "label-flip", "zero", "copy"];

    /// <summary>Standard deviation of the Gaussian attack, per coordinate: far above an honest delta's, as in the papers.</summary>
    public const float GaussianSigma = 0.1f;

    /// <summary>True when the attack needs the Byzantine workers to train on flipped labels (the others reuse honest work).</summary>
    public static bool TrainsOnFlippedLabels(string attack) => attack == "label-flip";

    /// <summary>
    /// The update a Byzantine worker sends. <paramref name="own"/> is the delta it trained (on flipped labels for
    /// label-flip), <paramref name="honest"/> the honest workers' deltas of this round (the omniscient attacker of
    /// ALIE and copy knows them), <paramref name="byzantine"/> how many colluders there are.
    /// </summary>
    public static List<WeightTensor> Forge(
        string attack, List<WeightTensor> own, IReadOnlyList<List<WeightTensor>> honest, int workers, int byzantine, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(own);
        ArgumentNullException.ThrowIfNull(honest);
        ArgumentNullException.ThrowIfNull(rng);
        switch (attack)
        {
            case "sign-flip":
                return Map(own, v => -v);
            case "gaussian":
                return Map(own, _ => GaussianSigma * rng.Normal());
            case "label-flip":
                return own;
            case "zero":
                return WeightSet.Zeros(own);
            case "copy":
                return WeightSet.Clone(honest[0]);
            case "alie":
                return LittleIsEnough(honest, AlieZ(workers, byzantine));
            default:
                throw new ArgumentException($"unknown attack '{attack}'; known: {string.Join(", ", Names)}", nameof(attack));
        }
    }

    /// <summary>
    /// ALIE's z (Baruch et al. 2019): s = ⌊n/2 + 1⌋ − f workers must be won over, and z = Φ⁻¹((n − s) / n) is the
    /// largest shift that still leaves the forged value nearer the mean than that many honest values.
    /// </summary>
    public static double AlieZ(int workers, int byzantine)
    {
        int s = workers / 2 + 1 - byzantine;
        double p = (double)(workers - s) / workers;
        return p is > 0 and < 1 ? InverseNormal(p) : 0;
    }

    // μ_j − z σ_j per coordinate over the honest deltas (population standard deviation, in double).
    private static List<WeightTensor> LittleIsEnough(IReadOnlyList<List<WeightTensor>> honest, double z)
    {
        var forged = WeightSet.Zeros(honest[0]);
        for (var t = 0; t < forged.Count; t++)
        {
            var target = forged[t].Values;
            for (var j = 0; j < target.Length; j++)
            {
                double sum = 0, squares = 0;
                foreach (var h in honest)
                {
                    double v = h[t].Values[j];
                    sum += v;
                    squares += v * v;
                }
                double mean = sum / honest.Count;
                double sd = Math.Sqrt(Math.Max(0, squares / honest.Count - mean * mean));
                target[j] = (float)(mean - z * sd);
            }
        }
        return forged;
    }

    private static List<WeightTensor> Map(List<WeightTensor> delta, Func<float, float> f) =>
        delta.Select(t => new WeightTensor(t.Name, (int[])t.Shape.Clone(), t.Values.Select(f).ToArray())).ToList();

    /// <summary>Φ⁻¹(p), Acklam's rational approximation (relative error below 1.2e-9), for ALIE's z.</summary>
    public static double InverseNormal(double p)
    {
        if (!(p is > 0 and < 1))
            throw new ArgumentOutOfRangeException(nameof(p), "must be in (0, 1)");
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01,
            2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00,
            2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        const double low = 0.02425;
        if (p < low || p > 1 - low)
        {
            double q = Math.Sqrt(-2 * Math.Log(p < low ? p : 1 - p));
            double x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
            return p < low ? x : -x;
        }
        double r = p - 0.5, r2 = r * r;
        return (((((a[0] * r2 + a[1]) * r2 + a[2]) * r2 + a[3]) * r2 + a[4]) * r2 + a[5]) * r
            / (((((b[0] * r2 + b[1]) * r2 + b[2]) * r2 + b[3]) * r2 + b[4]) * r2 + 1);
    }
}
