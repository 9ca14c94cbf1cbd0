namespace TrainSwarm.Coordination.Aggregation;

/// <summary>
/// Centered clipping (Karimireddy, He and Jaggi 2021): starting from v (the previous round's aggregate delta, or zero),
/// repeat L times v ← v + (1/n) Σ_i clip(δ_i − v, τ), where clip(x, τ) = x · min(1, τ / ‖x‖). Each update moves the
/// aggregate by at most τ / n per iteration, so f Byzantine updates move it by at most f τ / n, whatever they send.
/// new = base + v; v is the state handed to the next round. Unweighted: sample counts are ignored, since a lying node
/// could otherwise buy influence by claiming more samples.
/// </summary>
/// <remarks>
/// τ: a fixed radius when the job gives one; otherwise, per iteration, the median of the distances ‖δ_i − v‖. The
/// scale of a delta depends on the model, H and the learning rate, so no fixed τ suits every job; with an honest
/// majority the median distance is an honest one, so at least half the updates pass unclipped and every outlier is cut
/// down to an honest update's length.
/// Pay: a reply's credit is its clipping factor min(1, τ / ‖δ_i − v‖) summed over the iterations (how much of its
/// update entered the aggregate, at most 1 per iteration); shares are the credits normalized to sum to 1. An honest
/// update within τ gets full credit; one sent from far away is paid in proportion to the little of it that was used.
/// </remarks>
public sealed class CenteredClipping : IAggregationStrategy, IRobustRule
{
    /// <summary>The spec name, <c>centered-clipping</c>.</summary>
    public const string StrategyName = "centered-clipping";

    /// <summary>Clipping iterations unless told otherwise.</summary>
    public const int DefaultIterations = 3;

    /// <summary>Creates the rule; <paramref name="radius"/> null means the adaptive τ (the median distance).</summary>
    public CenteredClipping(double? radius = null, int iterations = DefaultIterations)
    {
        if (radius is { } r && !(r > 0 && double.IsFinite(r)))
            throw new ArgumentOutOfRangeException(nameof(radius), $"the clipping radius must be positive and finite, not {r}");
        ArgumentOutOfRangeException.ThrowIfLessThan(iterations, 1);
        Radius = radius;
        Iterations = iterations;
    }

    /// <summary>τ, or null for the median distance of each iteration.</summary>
    public double? Radius { get; }

    /// <summary>L, the clipping iterations per round.</summary>
    public int Iterations { get; }

    /// <inheritdoc cref="IAggregationStrategy.Name" />
    public string Name => StrategyName;

    /// <inheritdoc />
    public AggregationOutcome Aggregate(AggregationInput input) => AggregateDelta(input, input.State).ApplyTo(input.BaseWeights);

    /// <inheritdoc />
    public RobustAggregate AggregateDelta(AggregationInput input, IReadOnlyList<WeightTensor>? state)
    {
        SampleWeighting.Validate(input);
        if (state is not null)
            WeightSet.RequireSameLayout(input.BaseWeights, state, nameof(state));
        var replies = input.Replies;
        int n = replies.Count;
        var v = state is null ? WeightSet.Zeros(input.BaseWeights) : WeightSet.Clone(state);
        var credit = new double[n];
        var distances = new double[n];
        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            for (var i = 0; i < n; i++)
                distances[i] = Distance(replies[i].Delta, v);
            double tau = Radius ?? UpdateChecks.Median(distances);
            var factors = new double[n];
            for (var i = 0; i < n; i++)
            {
                // A zero distance needs no clipping; a zero τ (most updates equal v) keeps only those at v.
                factors[i] = distances[i] <= tau ? 1 : tau / distances[i];
                credit[i] += factors[i];
            }
            Step(replies, v, factors);
        }
        return new RobustAggregate(v, WeightSet.Clone(v), Shares.Normalize(credit));
    }

    // v ← v + (1/n) Σ_i c_i (δ_i − v), per coordinate in double, accumulated in reply order and rounded once.
    private static void Step(IReadOnlyList<AggregationReply> replies, List<WeightTensor> v, double[] factors)
    {
        int n = replies.Count;
        for (var t = 0; t < v.Count; t++)
        {
            var center = v[t].Values;
            for (var j = 0; j < center.Length; j++)
            {
                double c = center[j], sum = 0;
                for (var i = 0; i < n; i++)
                    sum += factors[i] * (replies[i].Delta[t].Values[j] - c);
                center[j] = (float)(c + sum / n);
            }
        }
    }

    private static double Distance(IReadOnlyList<WeightTensor> a, IReadOnlyList<WeightTensor> b)
    {
        double sum = 0;
        for (var t = 0; t < a.Count; t++)
        {
            var x = a[t].Values;
            var y = b[t].Values;
            for (var j = 0; j < x.Length; j++)
            {
                double d = (double)x[j] - y[j];
                sum += d * d;
            }
        }
        return Math.Sqrt(sum);
    }
}
