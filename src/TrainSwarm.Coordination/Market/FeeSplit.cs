namespace TrainSwarm.Coordination.Market;

/// <summary>One validator's part of a round's validator fee, in micro-tokens.</summary>
public sealed record FeeShare(string Validator, long Amount);

/// <summary>
/// Splits a round's validator fee among the validators whose result the quorum accepted (pure, integers only): each of
/// the k gets ⌊fee / k⌋, and the fee mod k micro-tokens left over go one each to the earliest posters, so the shares
/// sum to the fee exactly and differ by at most one micro-token. Dissenting validators are not in the list and get nothing.
/// </summary>
public static class FeeSplit
{
    /// <summary>The shares of <paramref name="fee"/> for <paramref name="agreeing"/>, given in the order they posted.</summary>
    public static IReadOnlyList<FeeShare> Split(long fee, IReadOnlyList<string> agreeing)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fee);
        ArgumentNullException.ThrowIfNull(agreeing);
        if (agreeing.Count == 0)
            throw new ArgumentException("a fee is split among at least one validator", nameof(agreeing));
        if (agreeing.Distinct(StringComparer.Ordinal).Count() != agreeing.Count)
            throw new ArgumentException("a validator is paid at most one share of a round", nameof(agreeing));
        var k = agreeing.Count;
        var (each, left) = (fee / k, fee % k);
        return agreeing.Select((v, i) => new FeeShare(v, each + (i < left ? 1 : 0))).ToList();
    }
}
