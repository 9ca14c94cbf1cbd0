namespace TrainSwarm.Coordination.Aggregation;

/// <summary>
/// Coordinate-wise median (Yin et al. 2018): every parameter of the new model is base + the median of the n deltas'
/// values at that parameter; for an even n, the mean of the two middle values. Fewer than half the updates, however
/// large, cannot move a coordinate outside the range of the honest values. Unweighted and stateless: sample counts are
/// ignored, since a lying node could otherwise buy influence by claiming more samples.
/// </summary>
/// <remarks>
/// Pay: a reply's share is the fraction of coordinates at which its value was the median (1 for the middle value of an
/// odd n, ½ each for the two middle values of an even n), so the shares sum to 1. Honest updates cluster around the
/// median and collect nearly all of it; an outlier (sign-flipped, noisy, scaled) is never in the middle and earns 0.
/// Equal shares for everyone would pay an attacker as much as an honest node; this pays for what entered the model.
/// </remarks>
public sealed class CoordinateMedian : IAggregationStrategy, IRobustRule
{
    /// <summary>The spec name, <c>median</c>.</summary>
    public const string StrategyName = "median";

    /// <inheritdoc cref="IAggregationStrategy.Name" />
    public string Name => StrategyName;

    /// <inheritdoc />
    public AggregationOutcome Aggregate(AggregationInput input) => AggregateDelta(input, null).ApplyTo(input.BaseWeights);

    /// <inheritdoc />
    public RobustAggregate AggregateDelta(AggregationInput input, IReadOnlyList<WeightTensor>? state)
    {
        SampleWeighting.Validate(input);
        var replies = input.Replies;
        int n = replies.Count, mid = n / 2;
        var delta = WeightSet.Zeros(input.BaseWeights);
        // Middle counts in halves, so an even n's two middle values each score 1 and an odd n's middle value scores 2.
        var halves = new long[n];
        var column = new (float Value, int Reply)[n];
        long coordinates = 0;
        for (var t = 0; t < delta.Count; t++)
        {
            var target = delta[t].Values;
            for (var j = 0; j < target.Length; j++)
            {
                for (var i = 0; i < n; i++)
                    column[i] = (replies[i].Delta[t].Values[j], i);
                // Ties are broken by reply order, so the same input always credits the same replies.
                Array.Sort(column, static (a, b) => a.Value != b.Value ? a.Value.CompareTo(b.Value) : a.Reply.CompareTo(b.Reply));
                if (n % 2 == 1)
                {
                    target[j] = column[mid].Value;
                    halves[column[mid].Reply] += 2;
                }
                else
                {
                    // The sum of two floats is exact in double, so the mean is rounded once, to the nearest float.
                    target[j] = (float)(((double)column[mid - 1].Value + column[mid].Value) / 2);
                    halves[column[mid - 1].Reply]++;
                    halves[column[mid].Reply]++;
                }
            }
            coordinates += target.Length;
        }
        return new RobustAggregate(delta, null, Shares.FromCounts(halves, 2.0 * coordinates));
    }
}
