namespace TrainSwarm.Coordination.Aggregation;

/// <summary>The sample-weighted average every averaging strategy starts from: Σ (n_i / Σn) δ_i.</summary>
internal static class SampleWeighting
{
    /// <summary>Checks the input a strategy was given: at least one reply, positive sample counts, matching layouts.</summary>
    public static void Validate(AggregationInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Replies.Count == 0)
            throw new ArgumentException(
                $"cannot aggregate a round with no accepted updates ({input.Failures.Count} failure(s)); such a round is retried, not aggregated",
                nameof(input));
        foreach (var reply in input.Replies)
        {
            if (reply.Samples < 1)
                throw new ArgumentException($"the update of {reply.Node} claims {reply.Samples} samples; at least 1 is required", nameof(input));
            WeightSet.RequireSameLayout(input.BaseWeights, reply.Delta, nameof(input));
        }
    }

    /// <summary>n_i / Σn for each reply, in reply order.</summary>
    public static double[] Shares(IReadOnlyList<AggregationReply> replies)
    {
        // Sums in double: sample counts are exact there up to 2^53, and the shares then sum to 1 within an ulp.
        double total = replies.Sum(r => (double)r.Samples);
        return replies.Select(r => r.Samples / total).ToArray();
    }

    /// <summary>Σ share_i δ_i in the base's layout, accumulated in reply order so every validator gets the same bits.</summary>
    public static List<WeightTensor> AverageDelta(AggregationInput input, double[] shares)
    {
        var average = WeightSet.Zeros(input.BaseWeights);
        for (var i = 0; i < input.Replies.Count; i++)
            WeightSet.AddScaled(average, input.Replies[i].Delta, (float)shares[i]);
        return average;
    }
}
