namespace TrainSwarm.Coordination.Aggregation;

/// <summary>Reply shares that robust rules derive from counts or per-reply credit.</summary>
internal static class Shares
{
    /// <summary>
    /// Each count over <paramref name="total"/>; equal shares when the total is 0 (a model without parameters, where
    /// every reply counts the same), so the shares always sum to 1.
    /// </summary>
    public static double[] FromCounts(IReadOnlyList<long> counts, double total)
    {
        if (total > 0)
            return counts.Select(c => c / total).ToArray();
        return Enumerable.Repeat(1.0 / counts.Count, counts.Count).ToArray();
    }

    /// <summary>Each credit over the sum of credits (equal shares when they sum to 0).</summary>
    public static double[] Normalize(IReadOnlyList<double> credit)
    {
        double total = credit.Sum();
        if (total > 0 && double.IsFinite(total))
            return credit.Select(c => c / total).ToArray();
        return Enumerable.Repeat(1.0 / credit.Count, credit.Count).ToArray();
    }

    /// <summary>The unweighted mean of the chosen deltas, per coordinate in double and rounded once to float.</summary>
    public static List<WeightTensor> MeanOf(AggregationInput input, IReadOnlyList<int> chosen)
    {
        var mean = WeightSet.Zeros(input.BaseWeights);
        for (var t = 0; t < mean.Count; t++)
        {
            var target = mean[t].Values;
            for (var j = 0; j < target.Length; j++)
            {
                double sum = 0;
                foreach (var i in chosen)
                    sum += input.Replies[i].Delta[t].Values[j];
                target[j] = (float)(sum / chosen.Count);
            }
        }
        return mean;
    }
}
