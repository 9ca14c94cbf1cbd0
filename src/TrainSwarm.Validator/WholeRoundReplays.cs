using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// The replay step of the kinds whose rounds are replayed from their start (rl, grpo): picks each accepted update's commitments from
/// the round's audit secret, downloads the blobs its check needs, runs the checks side by side (a replay is a node's round again, the
/// longest part of validating) and folds each outcome into its verdict, in candidate order, as image rounds do.
/// </summary>
internal static class WholeRoundReplays
{
    /// <summary>The scored updates with their replay outcomes folded in (a failed replay rejects; a false receipt is marked for the slash).</summary>
    public static async Task<IReadOnlyList<ScoredUpdate>> RunAsync(ValidationTask task, string? secret, List<CandidateUpdate> candidates,
        IReadOnlyList<ScoredUpdate> scored, RoundValidation fetcher, Func<TrainingReceipt, IReadOnlyList<string>> needs,
        Func<TrainingReceipt, byte[], ParticipantView, IReadOnlyList<int>, IReadOnlyDictionary<string, byte[]>, ReplayOutcome> check,
        CancellationToken cancellation)
    {
        var replays = new Task<ReplayOutcome>?[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            if (!ReplayFolding.IsReplayed(task, secret, candidates[i], scored[i], out var participant, out var picks))
                continue;
            var receipt = candidates[i].Receipt;
            var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var id in needs(receipt))
                if ((await fetcher.UpdateBytesAsync(id, cancellation)).Bytes is { } bytes)
                    blobs[id] = bytes;
            var update = candidates[i].Bytes!;
            replays[i] = Task.Run(() => check(receipt, update, participant, picks, blobs), cancellation);
        }
        var result = new List<ScoredUpdate>(scored.Count);
        for (var i = 0; i < candidates.Count; i++)
        {
            var item = scored[i];
            if (replays[i] is not { } replay)
            {
                result.Add(item);
                continue;
            }
            result.Add(ReplayFolding.Fold(item, await replay));
        }
        return result;
    }
}
