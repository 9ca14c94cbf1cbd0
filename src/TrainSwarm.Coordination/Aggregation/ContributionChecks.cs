using System.Globalization;

namespace TrainSwarm.Coordination.Aggregation;

/// <summary>
/// One update's contribution check: why it contributes nothing (null when it contributes) and every input of that decision.
/// </summary>
/// <param name="RelativeNorm">‖Δ‖ / the median ‖Δ‖ of the round's well-formed updates (1 for a lone update).</param>
/// <param name="BaseRelativeNorm">‖Δ‖ / ‖base weights‖.</param>
/// <param name="MaxSimilarity">The largest |cosine| between Δ and an update received before it in this round (0 when none).</param>
/// <param name="SimilarTo">The index of that earlier update, or -1.</param>
/// <param name="NormRatio">‖Δ‖ / ‖that earlier update‖ (0 when none): 1 for a plain copy, 2 for a doubled one.</param>
/// <param name="PreviousSimilarity">The largest |cosine| between Δ and a delta of the previous round (0 when none).</param>
/// <param name="PreviousTo">The index of that previous delta, or -1.</param>
public readonly record struct ContributionCheck(
    string? Reason, double RelativeNorm, double BaseRelativeNorm, double MaxSimilarity, int SimilarTo, double NormRatio,
    double PreviousSimilarity, int PreviousTo)
{
    /// <summary>True when the update contributes something of its own.</summary>
    public bool Passed => Reason is null;
}

/// <summary>
/// Decides which well-formed updates of a round contribute nothing of their own: a zero or near-zero delta, a copy, a
/// scaled copy or a sign-flipped copy of an update received earlier in the round, or a replay of a delta of the
/// previous round. Cosine similarity ignores scale, so one threshold catches plain, scaled and noised copies alike;
/// honest nodes train on disjoint shards with their own batch order, and their deltas stay below it (the README
/// gives the measured figures, <c>HonestSimilarityTests</c> re-measures them on Fashion-MNIST).
/// </summary>
public static class ContributionChecks
{
    /// <summary>
    /// |cosine| at or above which an update counts as a copy of an earlier one. Honest deltas from different
    /// Fashion-MNIST shards measured at most 0.912 (mlp, round 0, when every node takes the same first step away from the
    /// initialization) and at most 0.75 after it (H=100, 8 nodes, 5 rounds, mlp and cnn). 0.99 keeps a margin of 0.078
    /// over that; a copier must add noise of at least 14% of the delta's norm (cosine 1/√(1+0.14²)) to slip under it.
    /// </summary>
    public const double CopySimilarity = 0.99;

    /// <summary>
    /// |cosine| at or above which an update counts as a replay of a previous-round delta or of the previous global step.
    /// Honest deltas measured at most 0.65 against any of them (against their own shard's delta of the round before,
    /// which is the closest); 0.95 leaves a margin of 0.3 and still catches a replay with noise of 30% of its norm.
    /// </summary>
    public const double ReplaySimilarity = 0.95;

    /// <summary>
    /// An update whose norm is below this share of the round's median norm is near-zero. Honest deltas of one round
    /// measured within 0.93–1.14 of the median: their shards are equal in size and their steps equal in number.
    /// </summary>
    public const double MinRelativeNorm = 0.1;

    /// <summary>
    /// An update whose norm is below this share of the base weights' norm is near-zero whatever the others did, so a
    /// majority of free riders cannot pull the median down to pass each other. Honest deltas measured at least 0.144.
    /// </summary>
    public const double MinBaseRelativeNorm = 1e-3;

    /// <summary>
    /// The base-relative floor of a fine-tuning round (grpo): a few small-learning-rate steps from a trained model move it by a small
    /// share of its norm, so <see cref="MinBaseRelativeNorm"/> would reject honest work. The round-median floor
    /// (<see cref="MinRelativeNorm"/>) still catches a near-zero update among honest ones; README "GRPO fine-tuning" has the measured norms.
    /// </summary>
    public const double MinFineTuneBaseRelativeNorm = 1e-5;

    /// <summary>
    /// Checks every update of a round. <paramref name="updates"/> are the well-formed updates in the order the coordinator
    /// received them: when two are near-identical, the earlier keeps its pay and the later is rejected, because a copier
    /// can only copy what was already uploaded, and a pair that shares one update is paid once, as one node would be.
    /// <paramref name="previous"/> holds the deltas accepted in the previous round (and, if the caller likes, that round's
    /// global step); a delta replayed from there is rejected. <paramref name="names"/> and <paramref name="previousNames"/>
    /// name them in the reasons (by default <c>update i</c> and <c>previous delta i</c>). <paramref name="minBaseRelativeNorm"/> is the
    /// base-relative floor (<see cref="MinBaseRelativeNorm"/>, or <see cref="MinFineTuneBaseRelativeNorm"/> for fine-tuning).
    /// </summary>
    public static ContributionCheck[] CheckRound(
        IReadOnlyList<IReadOnlyList<WeightTensor>> updates, IReadOnlyList<WeightTensor> baseWeights,
        IReadOnlyList<IReadOnlyList<WeightTensor>>? previous = null, IReadOnlyList<string>? names = null,
        IReadOnlyList<string>? previousNames = null, double minBaseRelativeNorm = MinBaseRelativeNorm)
    {
        ArgumentNullException.ThrowIfNull(updates);
        ArgumentNullException.ThrowIfNull(baseWeights);
        previous ??= [];
        string Name(int i) => names is not null && i < names.Count ? names[i] : Text($"update {i}");
        string PreviousName(int i) => previousNames is not null && i < previousNames.Count ? previousNames[i] : Text($"previous delta {i}");
        var norms = updates.Select(WeightSet.Norm).ToArray();
        var previousNorms = previous.Select(WeightSet.Norm).ToArray();
        var baseNorm = WeightSet.Norm(baseWeights);
        var median = norms.Length == 0 ? 0 : UpdateChecks.Median(norms);
        var results = new ContributionCheck[updates.Count];
        for (var i = 0; i < updates.Count; i++)
        {
            var relative = median > 0 ? norms[i] / median : 0;
            var baseRelative = baseNorm > 0 ? norms[i] / baseNorm : 0;
            var (similarity, similarTo) = MostSimilar(updates[i], norms[i], updates, norms, i);
            var (previousSimilarity, previousTo) = MostSimilar(updates[i], norms[i], previous, previousNorms, previous.Count);
            var ratio = similarTo >= 0 && norms[similarTo] > 0 ? norms[i] / norms[similarTo] : 0;
            string? reason = null;
            if (norms[i] == 0)
                reason = "the delta is all zeros";
            else if (baseNorm > 0 && baseRelative < minBaseRelativeNorm)
                reason = Text($"the delta is near zero: its norm is {baseRelative:G3} of the base model's (minimum {minBaseRelativeNorm:G})");
            else if (updates.Count > 1 && relative < MinRelativeNorm)
                reason = Text($"the delta is near zero: its norm is {relative:G3} of the round's median (minimum {MinRelativeNorm:G})");
            else if (similarity >= CopySimilarity)
                reason = Text($"a copy of {Name(similarTo)}, received earlier (|cosine| {similarity:F4} ≥ {CopySimilarity:G}, norm ratio {ratio:G4})");
            else if (previousSimilarity >= ReplaySimilarity)
                reason = Text($"a replay of the previous round's {PreviousName(previousTo)} (|cosine| {previousSimilarity:F4} ≥ {ReplaySimilarity:G})");
            results[i] = new ContributionCheck(reason, relative, baseRelative, similarity, similarTo, ratio, previousSimilarity, previousTo);
        }
        return results;
    }

    /// <summary>The cosine of the angle between two updates of the same layout (0 when either is all zeros).</summary>
    public static double Cosine(IReadOnlyList<WeightTensor> a, IReadOnlyList<WeightTensor> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var (na, nb) = (WeightSet.Norm(a), WeightSet.Norm(b));
        return na > 0 && nb > 0 ? Dot(a, b) / (na * nb) : 0;
    }

    /// <summary>The dot product of two updates of the same layout, summed in double so that the order of terms is fixed.</summary>
    public static double Dot(IReadOnlyList<WeightTensor> a, IReadOnlyList<WeightTensor> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        WeightSet.RequireSameLayout(a, b, nameof(b));
        double sum = 0;
        for (var t = 0; t < a.Count; t++)
        {
            var (x, y) = (a[t].Values, b[t].Values);
            for (var k = 0; k < x.Length; k++)
                sum += (double)x[k] * y[k];
        }
        return sum;
    }

    // The largest |cosine| against others[0..count), skipping zero deltas (a zero delta is similar to nothing).
    private static (double Similarity, int Index) MostSimilar(
        IReadOnlyList<WeightTensor> update, double norm, IReadOnlyList<IReadOnlyList<WeightTensor>> others, double[] otherNorms, int count)
    {
        var (best, index) = (0.0, -1);
        if (norm == 0)
            return (best, index);
        for (var j = 0; j < count; j++)
        {
            if (otherNorms[j] == 0 || !WeightSet.SameLayout(update, others[j]))
                continue;
            var similarity = Math.Abs(Dot(update, others[j]) / (norm * otherNorms[j]));
            if (similarity > best)
                (best, index) = (similarity, j);
        }
        return (best, index);
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
