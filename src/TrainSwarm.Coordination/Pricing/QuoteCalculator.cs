using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Pricing;

/// <summary>Prices a job spec (pure: integer money, no clock, no I/O).</summary>
public static class QuoteCalculator
{
    /// <summary>Fixed overhead per round in the optimistic estimate: join, download, upload, aggregate.</summary>
    public const double RoundOverheadSeconds = 1;

    /// <summary>Extra slack per round in the pessimistic estimate (why: see the comment in Duration).</summary>
    public const double RoundSlackSeconds = 3;

    /// <summary>
    /// The quote for <paramref name="spec"/>.
    /// </summary>
    /// <param name="trainingFlopsPerSample">Forward + backward FLOPs of one sample of the spec's model.</param>
    /// <param name="evalFlopsPerSample">Forward FLOPs of one sample (what validation costs).</param>
    /// <param name="holdoutSamples">Samples the validator scores each model on (rl: evaluation steps, episodes × the longest episode).</param>
    /// <param name="nodeModelSamplesPerSecond">Each registered node's training throughput for THIS model, in samples/s.</param>
    /// <exception cref="OverflowException">The job is too large to price in 64-bit micro-tokens.</exception>
    public static Quote Quote(JobSpec spec, long trainingFlopsPerSample, long evalFlopsPerSample, int holdoutSamples,
        IReadOnlyList<double> nodeModelSamplesPerSecond, PriceTable prices, DateTimeOffset now, string id)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(prices);
        ArgumentOutOfRangeException.ThrowIfNegative(trainingFlopsPerSample);
        ArgumentOutOfRangeException.ThrowIfNegative(evalFlopsPerSample);
        ArgumentOutOfRangeException.ThrowIfNegative(holdoutSamples);
        prices.Check();

        // An rl job's samples are environment steps, and its FLOPs per sample those of one step (acting + PPO epochs).
        var samples = checked((long)spec.Rounds * spec.MaxNodes * spec.SamplesPerUpdate);
        var units = checked((long)CeilDiv((Int128)samples * trainingFlopsPerSample, PriceTable.FlopsPerUnit));
        var cost = checked(units * prices.PricePerUnit);
        var validationFlops = checked((long)((Int128)spec.Rounds * (spec.MaxNodes + 2) * holdoutSamples * evalFlopsPerSample));
        var validatorFee = checked((long)CeilDiv((Int128)cost * prices.ValidatorFeeBps, 10_000));
        var protocolFee = checked((long)CeilDiv((Int128)cost * prices.ProtocolFeeBps, 10_000));
        var total = checked(cost + validatorFee + protocolFee);

        var (low, high, considered) = Duration(spec, nodeModelSamplesPerSecond);
        return new Quote(id, Protocol.Wire.Quote.DigestOf(spec), samples, trainingFlopsPerSample, units, prices.PricePerUnit, cost,
            validationFlops, validatorFee, protocolFee, total, prices.PricePerGpuHour, low, high, considered, now, now + prices.Validity,
            Protocol.Wire.Quote.JobIdFor(id), prices.ValidatorFeeBps, prices.ProtocolFeeBps);
    }

    /// <summary>
    /// The expected duration range from the nodes' throughputs, or nulls when there is no usable node. A round waits for
    /// its slowest member, so with the <c>maxNodes</c> fastest nodes joining, each round takes H × batch / (the slowest of
    /// them) plus a fixed overhead.
    /// </summary>
    private static (double? Low, double? High, int Considered) Duration(JobSpec spec, IReadOnlyList<double> speeds)
    {
        var fastest = speeds.Where(s => double.IsFinite(s) && s > 0).OrderDescending().Take(spec.MaxNodes).ToList();
        if (fastest.Count == 0)
            return (null, null, 0);
        var slowest = fastest[^1];
        var low = spec.Rounds * ((double)spec.SamplesPerUpdate / slowest + RoundOverheadSeconds);
        // Why 2 × low + 3 s a round: a benchmark is a node's best case on an idle machine, while in a round a node shares
        // its cores with other jobs, loads its shard and may be dropped and replaced after a deadline; and each round also
        // waits for its join window to fill, for uploads of every delta and for the validator's scoring and aggregation,
        // none of which the throughput measures. Doubling covers the first, the fixed slack the second.
        var high = 2 * low + spec.Rounds * RoundSlackSeconds;
        return (low, high, fastest.Count);
    }

    private static Int128 CeilDiv(Int128 value, Int128 divisor) => (value + divisor - 1) / divisor;
}
