namespace TrainSwarm.Coordination.Aggregation;

/// <summary>
/// Coordinate-wise trimmed mean (Yin et al. 2018): for every parameter, the k = ⌊β·n⌋ largest and k smallest of the n
/// deltas are dropped and the rest averaged, unweighted, so up to k arbitrary (Byzantine) updates cannot drag a
/// coordinate outside the honest range. new = base + that mean. Stateless; sample counts are deliberately ignored,
/// since a lying node could otherwise buy influence by claiming more samples.
/// </summary>
public sealed class TrimmedMean(double beta = TrimmedMean.DefaultBeta) : IAggregationStrategy, IRobustRule
{
    /// <summary>The spec name, <c>trimmed-mean</c>.</summary>
    public const string StrategyName = "trimmed-mean";

    /// <summary>The fraction trimmed from each side unless told otherwise.</summary>
    public const double DefaultBeta = 0.1;

    /// <summary>β: the fraction of updates trimmed from each side of every coordinate.</summary>
    public double Beta { get; } = beta is >= 0 and < 0.5 ? beta : throw new ArgumentOutOfRangeException(nameof(beta), "must be in [0, 0.5)");

    /// <inheritdoc cref="IAggregationStrategy.Name" />
    public string Name => StrategyName;

    /// <summary>The number of values trimmed from each side when there are <paramref name="replies"/> updates.</summary>
    public int Trimmed(int replies) => (int)Math.Floor(Beta * replies);

    /// <inheritdoc />
    public AggregationOutcome Aggregate(AggregationInput input) => AggregateDelta(input, null).ApplyTo(input.BaseWeights);

    /// <inheritdoc />
    public RobustAggregate AggregateDelta(AggregationInput input, IReadOnlyList<WeightTensor>? state)
    {
        SampleWeighting.Validate(input);
        var replies = input.Replies;
        int n = replies.Count, k = Trimmed(n), kept = n - 2 * k;
        var delta = WeightSet.Zeros(input.BaseWeights);
        // How many coordinates each reply survived in: its share of the aggregate is that count over all kept values.
        var survived = new long[n];
        var column = new (float Value, int Reply)[n];
        long coordinates = 0;
        for (var t = 0; t < delta.Count; t++)
        {
            var target = delta[t].Values;
            for (var j = 0; j < target.Length; j++)
            {
                for (var i = 0; i < n; i++)
                    column[i] = (replies[i].Delta[t].Values[j], i);
                // Ties are broken by reply order so the same input always trims the same replies.
                Array.Sort(column, static (a, b) => a.Value != b.Value ? a.Value.CompareTo(b.Value) : a.Reply.CompareTo(b.Reply));
                double sum = 0;
                for (var i = k; i < n - k; i++)
                {
                    sum += column[i].Value;
                    survived[column[i].Reply]++;
                }
                target[j] = (float)(sum / kept);
            }
            coordinates += target.Length;
        }
        return new RobustAggregate(delta, null, Shares.FromCounts(survived, (double)coordinates * kept));
    }
}
