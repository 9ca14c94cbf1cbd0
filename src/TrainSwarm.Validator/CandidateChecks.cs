using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>The checks every update scorer (image and rl) runs on a round's candidates before scoring them.</summary>
internal static class CandidateChecks
{
    /// <summary>
    /// Everything a scorer decides before scoring: each candidate decoded (or why not), the round's update checks (norm,
    /// shape, finiteness, against the round's median) and its contribution checks. A non-null reason rejects the update.
    /// </summary>
    public static (List<WeightTensor>?[] Deltas, string?[] Reasons, double[] Norms, Contribution?[] Contributions) Prepare(
        IReadOnlyList<CandidateUpdate> candidates, IReadOnlyList<PreviousDelta> previous, IReadOnlyList<WeightTensor> baseWeights,
        double minBaseRelativeNorm = ContributionChecks.MinBaseRelativeNorm)
    {
        var reasons = new string?[candidates.Count];
        var deltas = new List<WeightTensor>?[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
            (deltas[i], reasons[i]) = candidates[i].Reason is { } reason ? (null, reason) : Decode(candidates[i], baseWeights);
        var decoded = Enumerable.Range(0, candidates.Count).Where(i => deltas[i] is not null).ToList();
        var checks = UpdateChecks.CheckRound(decoded.Select(i => (IReadOnlyList<WeightTensor>)deltas[i]!).ToList(), baseWeights);
        var norms = new double[candidates.Count];
        for (var j = 0; j < decoded.Count; j++)
            (reasons[decoded[j]], norms[decoded[j]]) = (checks[j].Reason, checks[j].Norm);
        return (deltas, reasons, norms, Contributions(candidates, deltas, reasons, previous, baseWeights, minBaseRelativeNorm));
    }

    /// <summary>
    /// Runs <see cref="ContributionChecks"/> over the well-formed updates in the order the coordinator received them
    /// (unknown times last, then the task's order), writes each rejection into <paramref name="reasons"/> and returns
    /// each checked update's evidence (null for one rejected before the check).
    /// </summary>
    public static Contribution?[] Contributions(
        IReadOnlyList<CandidateUpdate> candidates, List<WeightTensor>?[] deltas, string?[] reasons, IReadOnlyList<PreviousDelta> previous,
        IReadOnlyList<WeightTensor> baseWeights, double minBaseRelativeNorm = ContributionChecks.MinBaseRelativeNorm)
    {
        var sound = Enumerable.Range(0, candidates.Count).Where(i => reasons[i] is null && deltas[i] is not null)
            .OrderBy(i => candidates[i].ReceivedAt ?? DateTimeOffset.MaxValue).ThenBy(i => i).ToList();
        var usable = previous.Where(p => WeightSet.SameLayout(baseWeights, p.Delta)).ToList();
        var checks = ContributionChecks.CheckRound(
            sound.Select(i => (IReadOnlyList<WeightTensor>)deltas[i]!).ToList(), baseWeights, usable.Select(p => p.Delta).ToList(),
            sound.Select(i => $"node {candidates[i].Receipt.Node}'s update").ToList(), usable.Select(p => p.Source).ToList(), minBaseRelativeNorm);
        var evidence = new Contribution?[candidates.Count];
        for (var j = 0; j < sound.Count; j++)
        {
            var c = checks[j];
            reasons[sound[j]] = c.Reason;
            evidence[sound[j]] = new Contribution(
                c.RelativeNorm, c.BaseRelativeNorm, c.MaxSimilarity, c.SimilarTo >= 0 ? candidates[sound[c.SimilarTo]].Receipt.Node : null,
                c.NormRatio, c.PreviousSimilarity, c.PreviousTo >= 0 ? usable[c.PreviousTo].Source : null);
        }
        return evidence;
    }

    /// <summary>The candidate's delta in <paramref name="baseWeights"/>' layout, or why it cannot be read.</summary>
    public static (List<WeightTensor>? Delta, string? Reason) Decode(CandidateUpdate candidate, IReadOnlyList<WeightTensor> baseWeights)
    {
        if (candidate.Bytes is null)
            return (null, "the update has no bytes");
        List<NamedArray> arrays;
        string encoding;
        try
        {
            arrays = DeltaCodec.Decode(candidate.Bytes, out encoding);
        }
        catch (Exception e) when (e is SafeTensorsFormatException or InvalidDataException or ArgumentException or OverflowException)
        {
            return (null, $"the update does not decode: {e.Message}");
        }
        if (encoding != candidate.Receipt.Encoding)
            return (null, $"the update is {encoding}-encoded, its receipt says {candidate.Receipt.Encoding}");
        return (WeightConversion.AlignTo(baseWeights, WeightConversion.FromNamedArrays(arrays)), null);
    }
}
