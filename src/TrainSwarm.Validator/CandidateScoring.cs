using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// The scoring loop the rl and lm scorers share: decode and check the round's candidates (<see cref="CandidateChecks"/>), measure
/// base + delta of each that passed, and let the kind write the verdict from what it measured. A measurement may still refuse
/// an update (e.g. a loss that is not finite), which then carries no delta into aggregation.
/// </summary>
internal static class CandidateScoring
{
    /// <summary>A measurement of one updated model: its value, or why the update is refused after all.</summary>
    public readonly record struct Measured<T>(T? Value, string? Refusal) where T : struct;

    /// <summary>The facts a kind's verdict is written from.</summary>
    public readonly record struct Facts<T>(TrainingReceipt Receipt, string? Reason, double Norm, Contribution? Contribution, T? Value) where T : struct;

    /// <summary>One scored update per candidate, in order.</summary>
    /// <param name="parallel">
    /// Measure the candidates side by side, one per core: for a kind whose measurement is single-threaded and independent (rl's
    /// policy evaluations), which divides the scoring time by the cores without changing a score. <paramref name="measure"/>
    /// must then be safe to call from several threads at once; the loop's options watch the cancellation token.
    /// </param>
    /// <param name="minBaseRelativeNorm">The contribution check's base-relative floor (fine-tuning kinds pass a lower one).</param>
    public static IReadOnlyList<ScoredUpdate> Score<T>(IReadOnlyList<CandidateUpdate> candidates, IReadOnlyList<PreviousDelta> previous,
        IReadOnlyList<WeightTensor> baseWeights, Func<IReadOnlyList<WeightTensor>, Measured<T>> measure, Func<Facts<T>, UpdateVerdict> verdict,
        CancellationToken cancellation, bool parallel = false, double minBaseRelativeNorm = ContributionChecks.MinBaseRelativeNorm) where T : struct
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(previous);
        var (deltas, reasons, norms, contributions) = CandidateChecks.Prepare(candidates, previous, baseWeights, minBaseRelativeNorm);
        var values = new T?[candidates.Count];
        void Measure(int i)
        {
            if (reasons[i] is not null) return;
            var weights = WeightSet.Clone(baseWeights);
            WeightSet.AddScaled(weights, deltas[i]!, 1f);
            (values[i], reasons[i]) = measure(weights);
        }
        if (parallel)
            Parallel.For(0, candidates.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancellation },
                Measure);
        else
            for (var i = 0; i < candidates.Count; i++)
            {
                cancellation.ThrowIfCancellationRequested();
                Measure(i);
            }
        var scored = new List<ScoredUpdate>(candidates.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            var v = verdict(new Facts<T>(candidates[i].Receipt, reasons[i], norms[i], contributions[i], reasons[i] is null ? values[i] : null));
            scored.Add(new ScoredUpdate(v, reasons[i] is null ? deltas[i] : null));
        }
        return scored;
    }
}
