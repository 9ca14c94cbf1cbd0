namespace TrainSwarm.Coordination.Aggregation;

/// <summary>
/// Krum and multi-Krum (Blanchard et al. 2017). With n updates of which at most f are assumed Byzantine, each update's
/// score is the sum of squared L2 distances to its n − f − 2 nearest other updates; Krum takes the update with the
/// lowest score, multi-Krum the m lowest-scoring updates and averages them (unweighted). new = base + that delta.
/// An outlier is far from the honest cluster, so its score is high and it is never chosen. Stateless.
/// </summary>
/// <remarks>
/// Defaults, per round: f = ⌊(n − 3) / 2⌋ (the most Krum tolerates, n &gt; 2f + 2) and m = n − f. When a round has
/// fewer updates than the configured f allows, the neighbour count is held to [1, n − 1] instead of failing the round;
/// the guarantee then no longer holds, but the rule still prefers the most central updates. Ties in score go to the
/// earlier reply, so every validator selects the same updates.
/// Pay: the selected updates share equally (1/m each) and the others get 0: only what entered the model is paid.
/// Sample counts are ignored, so a node cannot buy a place by claiming more samples.
/// </remarks>
public sealed class Krum : IAggregationStrategy, IRobustRule
{
    /// <summary>The spec name of single-update Krum, <c>krum</c>.</summary>
    public const string KrumName = "krum";

    /// <summary>The spec name of multi-Krum, <c>multi-krum</c>.</summary>
    public const string MultiKrumName = "multi-krum";

    private Krum(int? byzantine, int? selected, bool multi)
    {
        if (byzantine is < 0)
            throw new ArgumentOutOfRangeException(nameof(byzantine), $"the assumed Byzantine count must be at least 0, not {byzantine}");
        if (selected is < 1)
            throw new ArgumentOutOfRangeException(nameof(selected), $"multi-Krum must select at least 1 update, not {selected}");
        Byzantine = byzantine;
        Selected = selected;
        Multi = multi;
    }

    /// <summary>Krum: the single most central update. <paramref name="byzantine"/> is f (null: the most n allows).</summary>
    public static Krum Single(int? byzantine = null) => new(byzantine, 1, multi: false);

    /// <summary>Multi-Krum: the mean of the <paramref name="selected"/> (null: n − f) most central updates.</summary>
    public static Krum MultiKrum(int? byzantine = null, int? selected = null) => new(byzantine, selected, multi: true);

    /// <summary>f, the assumed number of Byzantine updates; null means ⌊(n − 3) / 2⌋ each round.</summary>
    public int? Byzantine { get; }

    /// <summary>m, the number of updates averaged; null means n − f each round (always 1 for Krum).</summary>
    public int? Selected { get; }

    /// <summary>True for multi-Krum.</summary>
    public bool Multi { get; }

    /// <inheritdoc cref="IAggregationStrategy.Name" />
    public string Name => Multi ? MultiKrumName : KrumName;

    /// <inheritdoc />
    public AggregationOutcome Aggregate(AggregationInput input) => AggregateDelta(input, null).ApplyTo(input.BaseWeights);

    /// <inheritdoc />
    public RobustAggregate AggregateDelta(AggregationInput input, IReadOnlyList<WeightTensor>? state)
    {
        SampleWeighting.Validate(input);
        var chosen = Select(input.Replies);
        var shares = new double[input.Replies.Count];
        foreach (var i in chosen)
            shares[i] = 1.0 / chosen.Count;
        return new RobustAggregate(Shares.MeanOf(input, chosen), null, shares);
    }

    /// <summary>The f this rule assumes for a round of <paramref name="n"/> updates.</summary>
    public int ByzantineFor(int n) => Byzantine ?? Math.Max(0, (n - 3) / 2);

    /// <summary>Krum's score of every reply: the sum of squared distances to its n − f − 2 nearest others (clamped to [1, n − 1]).</summary>
    public double[] Scores(IReadOnlyList<AggregationReply> replies)
    {
        ArgumentNullException.ThrowIfNull(replies);
        int n = replies.Count;
        var scores = new double[n];
        if (n < 2)
            return scores;
        int neighbours = Math.Clamp(n - ByzantineFor(n) - 2, 1, n - 1);
        var distances = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
                distances[i, j] = distances[j, i] = SquaredDistance(replies[i].Delta, replies[j].Delta);
        }
        var row = new double[n - 1];
        for (var i = 0; i < n; i++)
        {
            var k = 0;
            for (var j = 0; j < n; j++)
            {
                if (j != i)
                    row[k++] = distances[i, j];
            }
            Array.Sort(row);
            double sum = 0;
            for (var j = 0; j < neighbours; j++)
                sum += row[j];
            scores[i] = sum;
        }
        return scores;
    }

    /// <summary>The replies this rule averages, in reply order.</summary>
    public List<int> Select(IReadOnlyList<AggregationReply> replies)
    {
        var scores = Scores(replies);
        int n = replies.Count;
        int m = Multi ? Math.Clamp(Selected ?? n - ByzantineFor(n), 1, n) : 1;
        return Enumerable.Range(0, n).OrderBy(i => scores[i]).ThenBy(i => i).Take(m).Order().ToList();
    }

    // In double, tensor by tensor in order, so every validator sums the same terms in the same order.
    private static double SquaredDistance(IReadOnlyList<WeightTensor> a, IReadOnlyList<WeightTensor> b)
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
        return sum;
    }
}
