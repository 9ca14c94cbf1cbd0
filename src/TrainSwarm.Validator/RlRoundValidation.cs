using TrainSwarm.Client;
using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Daemons;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// Validates one round of an rl job: the same receipt checks, downloads and aggregation as an image round (<see cref="RoundValidation"/>
/// fetches), scoring by evaluation returns (<see cref="RlUpdateScoring"/>) on episodes seeded after the uploads are in, and the rl replay
/// check (<see cref="RlReplayCheck"/>). The metrics carry the base and new global's mean returns, which end the job at its target.
/// </summary>
internal sealed class RlRoundValidation(IValidatorObserver observer, RoundValidation fetcher)
{
    /// <summary>Runs the round and returns the result the coordinator accepted.</summary>
    public async Task<RoundResult> RunAsync(ValidationTask task, CancellationToken cancellation)
    {
        var (round, spec) = (task.Round, task.Spec);
        var phases = new PhaseClock();
        var baseBytes = await fetcher.BaseModelAsync(task, cancellation);
        var secret = ReplayPicks.Opens(task.AuditSecret, round.AuditCommitment) ? task.AuditSecret : null;
        if (secret is null)
            observer.Error($"round {round.Id}: the audit secret does not open the round's commitment; evaluating on the round seed, no replays", null);
        var scoring = new RlUpdateScoring(spec, baseBytes, RlRoundSpecs.EvalSeed(secret, round.Seed));
        phases.Mark("base model and its return");

        var candidates = await fetcher.FetchAsync(task, cancellation);
        var previous = await fetcher.PreviousDeltasAsync(task, scoring.BaseWeights, cancellation);
        phases.Mark("downloads");
        var returns = scoring.Score(candidates, previous, cancellation);
        phases.Mark("scoring");
        var scored = await ReplayAsync(task, baseBytes, secret, candidates, returns, cancellation);
        phases.Mark("replays");
        var result = await fetcher.AggregateAndPostAsync(task, scoring.BaseWeights, scored, scoring.Policy, (accepted, newWeights, _) =>
        {
            var meanReturn = accepted ? scoring.MeanReturn(newWeights) : scoring.BaseReturn;
            return new RoundMetrics(0, 0, 0, 0, 0, 0, 0, 0, scoring.BaseReturn, meanReturn, scoring.Episodes);
        }, cancellation);
        phases.Mark("aggregation, the new model's return, upload and posting");
        observer.Info($"round {round.Id}: {phases}");
        return result;
    }

    /// <summary>Replays the picked commitments of every accepted update and folds the outcome into its verdict, as image rounds do.</summary>
    private async Task<IReadOnlyList<ScoredUpdate>> ReplayAsync(ValidationTask task, byte[] baseBytes, string? secret,
        List<CandidateUpdate> candidates, IReadOnlyList<ScoredUpdate> scored, CancellationToken cancellation)
    {
        var round = task.Round;
        var check = new RlReplayCheck(task.Spec, baseBytes);
        // Each replay starts as soon as its blobs are in and they run side by side (a replay is a node's round again, the longest part
        // of validating); the verdicts are folded in candidate order after.
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
            foreach (var id in RlReplayCheck.Needs(receipt))
                if ((await fetcher.UpdateBytesAsync(id, cancellation)).Bytes is { } bytes)
                    blobs[id] = bytes;
            replays[i] = Task.Run(() => check.Check(receipt, candidate.Bytes, participant.Slot, round.Index, round.Seed, picks, blobs,
                cancellation), cancellation);
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
