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
        var round = task.Round;
        var replays = new Task<ReplayOutcome>?[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            var (candidate, item) = (candidates[i], scored[i]);
            var participant = round.Participants.FirstOrDefault(p => p.Node == candidate.Receipt.Node);
            if (candidate.Bytes is null || candidate.Reason is not null || participant is null || !item.Verdict.Accepted)
                continue;
            var receipt = candidate.Receipt;
            var picks = secret is null || receipt.Commitments.Count == 0
                ? []
                : ReplayPicks.Pick(secret, receipt.Node, receipt.UpdateBlob, receipt.Commitments.Count, task.Spec.ReplayShare);
            var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var id in needs(receipt))
                if ((await fetcher.UpdateBytesAsync(id, cancellation)).Bytes is { } bytes)
                    blobs[id] = bytes;
            var update = candidate.Bytes;
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
            var outcome = await replay;
            var verdict = item.Verdict with
            {
                Fraud = outcome.Fraud ? true : null, ReplaySegment = outcome.Segment, ReplayExpected = outcome.Expected, ReplayFound = outcome.Found,
                ReplayedSteps = outcome.ReplayedSteps > 0 ? outcome.ReplayedSteps : null,
            };
            result.Add(outcome.Reason is null
                ? item with { Verdict = verdict }
                : new ScoredUpdate(verdict with { Accepted = false, Reason = outcome.Reason, Weight = 0 }, null));
        }
        return result;
    }
}
