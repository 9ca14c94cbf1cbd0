using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// The two halves every kind's replay step shares: which updates are replayed (and at which commitments), and how an outcome lands
/// in the verdict.
/// </summary>
internal static class ReplayFolding
{
    /// <summary>
    /// Whether <paramref name="candidate"/> is replayed at all: an update the scorer already refused earns nothing, so there is no pay to
    /// protect by replaying it, and its refusal (a wrong shape, a NaN, no contribution) is the clearer reason to report. If so, its
    /// participant and the commitments the round's audit secret picks (none without a secret that opens the round's commitment).
    /// </summary>
    public static bool IsReplayed(ValidationTask task, string? secret, CandidateUpdate candidate, ScoredUpdate item,
        out ParticipantView participant, out IReadOnlyList<int> picks)
    {
        participant = task.Round.Participants.FirstOrDefault(p => p.Node == candidate.Receipt.Node)!;
        picks = [];
        if (candidate.Bytes is null || candidate.Reason is not null || participant is null || !item.Verdict.Accepted)
            return false;
        var receipt = candidate.Receipt;
        if (secret is not null && receipt.Commitments.Count > 0)
            picks = ReplayPicks.Pick(secret, receipt.Node, receipt.UpdateBlob, receipt.Commitments.Count, task.Spec.ReplayShare);
        return true;
    }

    /// <summary>The scored update with <paramref name="outcome"/> folded in: a failed replay rejects it; a false receipt is marked for the slash.</summary>
    public static ScoredUpdate Fold(ScoredUpdate item, ReplayOutcome outcome, string? skipped = null)
    {
        var verdict = item.Verdict with
        {
            // Unset fields stay null, so verdicts of updates that were not replayed store exactly as before.
            Fraud = outcome.Fraud ? true : null, ReplaySegment = outcome.Segment, ReplayExpected = outcome.Expected, ReplayFound = outcome.Found,
            ReplayedSteps = outcome.ReplayedSteps > 0 ? outcome.ReplayedSteps : null, ReplaySkipped = skipped,
        };
        return outcome.Reason is null
            ? item with { Verdict = verdict }
            : new ScoredUpdate(verdict with { Accepted = false, Reason = outcome.Reason, Weight = 0 }, null);
    }
}
