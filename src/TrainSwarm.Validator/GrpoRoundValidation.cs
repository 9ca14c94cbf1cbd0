using TrainSwarm.Daemons;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// Validates one round of a grpo job: the same receipt checks, downloads and aggregation as an image round (<see cref="RoundValidation"/>
/// does those), scoring by greedy exact match on held-out prompts drawn after the uploads are in (<see cref="GrpoUpdateScoring"/>), and
/// the whole-round replay check (<see cref="GrpoReplayCheck"/>). The metrics carry the base and new global's exact-match accuracy on the
/// round's prompts, which end the job at its target.
/// </summary>
internal sealed class GrpoRoundValidation(IValidatorObserver observer, RoundValidation fetcher)
{
    /// <summary>Runs the round and returns the result the coordinator accepted.</summary>
    public async Task<RoundResult> RunAsync(ValidationTask task, CancellationToken cancellation)
    {
        var (round, spec) = (task.Round, task.Spec);
        var baseBytes = await fetcher.BaseModelAsync(task, cancellation);
        var secret = ReplayPicks.Opens(task.AuditSecret, round.AuditCommitment) ? task.AuditSecret : null;
        if (secret is null)
            observer.Error($"round {round.Id}: the audit secret does not open the round's commitment; evaluating on the round seed, no replays", null);
        var scoring = new GrpoUpdateScoring(spec, baseBytes, RlRoundSpecs.EvalSeed(secret, round.Seed));
        var candidates = await fetcher.FetchAsync(task, cancellation);
        var previous = await fetcher.PreviousDeltasAsync(task, scoring.BaseWeights, cancellation);
        var scores = scoring.Score(candidates, previous, cancellation);
        var check = new GrpoReplayCheck(spec, baseBytes);
        var scored = await WholeRoundReplays.RunAsync(task, secret, candidates, scores, fetcher, GrpoReplayCheck.Needs,
            (receipt, update, participant, picks, blobs) => check.Check(receipt, update, participant.Slot, round.Seed, picks, blobs, cancellation),
            cancellation);
        return await fetcher.AggregateAndPostAsync(task, scoring.BaseWeights, scored, scoring.Model, (accepted, newWeights, _) =>
        {
            var held = accepted ? scoring.Evaluate(newWeights) : scoring.Base;
            // The held-out prompts are the grpo job's only test: the test columns repeat them.
            return new RoundMetrics(0, scoring.Base.Accuracy, 0, held.Accuracy, held.Total, 0, held.Accuracy, held.Total);
        }, cancellation);
    }
}
