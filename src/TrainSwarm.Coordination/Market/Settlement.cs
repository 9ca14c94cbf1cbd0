using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Market;

/// <summary>What a round costs the creator: every update's line, the fees, and their total (micro-tokens).</summary>
/// <param name="ScaleBps">10000, or less when the remaining budget could not pay the round in full.</param>
public sealed record RoundCharge(IReadOnlyList<RewardLine> Lines, long Compute, long ValidatorFee, long ProtocolFee, long Total, int ScaleBps);

/// <summary>
/// Turns a round's verdicts into money (pure: integers only, no clock, no I/O). An update earns
/// price × its compute units × its quality weight; a rejected update earns nothing and costs the creator nothing;
/// the validator and the protocol take their basis points of what the nodes earned. Every division rounds down, so a
/// round never bills more than its share of the quote (which rounds up).
/// </summary>
public static class Settlement
{
    /// <summary>Basis points of a whole: full quality, full budget.</summary>
    public const int FullBps = 10_000;

    /// <summary>The terms a job's rounds are paid by, fixed from its quote.</summary>
    public static RewardTerms TermsFor(Quote quote, JobSpec spec) =>
        new(quote.PricePerUnit, quote.TrainingFlopsPerSample, spec.SamplesPerUpdate, quote.ValidatorFeeBps, quote.ProtocolFeeBps);

    /// <summary>
    /// An update's quality weight in basis points: full when it kept or lowered the holdout loss of the global model,
    /// base loss / updated loss when it raised it (twice the loss, half the pay), 0 when it was rejected. An rl verdict (it
    /// carries returns) is weighted by <see cref="ReturnQuality"/> instead, a grpo verdict (it carries exact-match counts) by
    /// <see cref="AccuracyQuality"/>.
    /// </summary>
    public static int QualityBps(UpdateVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(verdict);
        if (verdict.BaseCorrect is { } baseCorrect && verdict.UpdatedCorrect is { } updatedCorrect)
            return verdict.Accepted && baseCorrect >= 0 && updatedCorrect >= 0 ? AccuracyQuality.Bps(baseCorrect, updatedCorrect) : 0;
        if (verdict.BaseReturn is { } baseReturn && verdict.UpdatedReturn is { } updatedReturn)
            return verdict.Accepted ? ReturnQuality.Bps(baseReturn, updatedReturn) : 0;
        if (!verdict.Accepted || !double.IsFinite(verdict.BaseLoss) || !double.IsFinite(verdict.UpdatedLoss) || verdict.BaseLoss < 0)
            return 0;
        if (verdict.UpdatedLoss <= verdict.BaseLoss)
            return FullBps;
        return (int)Math.Clamp(Math.Floor(FullBps * verdict.BaseLoss / verdict.UpdatedLoss), 0, FullBps);
    }

    /// <summary>
    /// The charge for a round with <paramref name="verdicts"/> when <paramref name="remaining"/> micro-tokens of the
    /// budget are left. If the full charge does not fit, every line is scaled down alike until the total fits.
    /// </summary>
    public static RoundCharge Round(RewardTerms terms, IReadOnlyList<UpdateVerdict> verdicts, long remaining)
    {
        ArgumentNullException.ThrowIfNull(terms);
        ArgumentNullException.ThrowIfNull(verdicts);
        ArgumentOutOfRangeException.ThrowIfNegative(remaining);
        var charge = Charge(terms, verdicts, FullBps);
        if (charge.Total <= remaining)
            return charge;
        // Scale by remaining / total, step down while rounding still leaves the total above what remains, then up while
        // a larger scale still fits (every line rounds down, so the first guess can be a step short).
        var scale = (int)((Int128)remaining * FullBps / charge.Total);
        for (charge = Charge(terms, verdicts, scale); charge.Total > remaining; charge = Charge(terms, verdicts, --scale))
        {
        }
        while (scale < FullBps && Charge(terms, verdicts, scale + 1) is { } larger && larger.Total <= remaining)
        {
            charge = larger;
            scale++;
        }
        return charge;
    }

    /// <summary>
    /// What one node can expect for a full-quality update in a round of up to <paramref name="maxNodes"/> nodes when
    /// <paramref name="remaining"/> micro-tokens are left: the full payout, or its share of what remains.
    /// </summary>
    public static long ExpectedReward(RewardTerms terms, int maxNodes, long remaining)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var full = Pay(terms, terms.MaxSamplesPerUpdate, FullBps, FullBps);
        var compute = checked(full * Math.Max(1, maxNodes));
        var roundCost = checked(compute + Fee(compute, terms.ValidatorFeeBps) + Fee(compute, terms.ProtocolFeeBps));
        return roundCost <= remaining ? full : (long)((Int128)full * Math.Max(0, remaining) / Math.Max(1, roundCost));
    }

    /// <summary>True when <paramref name="remaining"/> cannot pay even one full-quality update and its fees.</summary>
    public static bool BudgetSpent(RewardTerms terms, long remaining)
    {
        ArgumentNullException.ThrowIfNull(terms);
        var full = Pay(terms, terms.MaxSamplesPerUpdate, FullBps, FullBps);
        return remaining < checked(full + Fee(full, terms.ValidatorFeeBps) + Fee(full, terms.ProtocolFeeBps)) || remaining == 0;
    }

    private static RoundCharge Charge(RewardTerms terms, IReadOnlyList<UpdateVerdict> verdicts, int scaleBps)
    {
        var lines = new List<RewardLine>(verdicts.Count);
        long compute = 0;
        foreach (var v in verdicts)
        {
            // A node is paid for the work the job asked for, never for more samples than H × batch.
            var samples = Math.Clamp(v.Samples, 0, terms.MaxSamplesPerUpdate);
            var quality = QualityBps(v);
            var payout = Pay(terms, samples, quality, scaleBps);
            compute = checked(compute + payout);
            lines.Add(new RewardLine(v.Node, v.Accepted, v.Reason, samples, checked(samples * terms.TrainingFlopsPerSample),
                v.BaseLoss, v.UpdatedLoss, quality, payout, null, 0, v.Contribution, v.Fraud == true ? true : null, v.BaseReturn, v.UpdatedReturn,
                v.BaseCorrect, v.UpdatedCorrect));
        }
        var validatorFee = Fee(compute, terms.ValidatorFeeBps);
        var protocolFee = Fee(compute, terms.ProtocolFeeBps);
        return new RoundCharge(lines, compute, validatorFee, protocolFee, checked(compute + validatorFee + protocolFee), scaleBps);
    }

    /// <summary>floor(samples × FLOPs × price × quality × scale / (10^9 × 10^4 × 10^4)).</summary>
    private static long Pay(RewardTerms terms, long samples, int qualityBps, int scaleBps) =>
        checked((long)((Int128)samples * terms.TrainingFlopsPerSample * terms.PricePerUnit * qualityBps * scaleBps
                       / ((Int128)Pricing.PriceTable.FlopsPerUnit * FullBps * FullBps)));

    private static long Fee(long compute, int bps) => (long)((Int128)compute * bps / FullBps);
}
