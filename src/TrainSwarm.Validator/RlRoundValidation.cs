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
    private Task<IReadOnlyList<ScoredUpdate>> ReplayAsync(ValidationTask task, byte[] baseBytes, string? secret,
        List<CandidateUpdate> candidates, IReadOnlyList<ScoredUpdate> scored, CancellationToken cancellation)
    {
        var check = new RlReplayCheck(task.Spec, baseBytes);
        return WholeRoundReplays.RunAsync(task, secret, candidates, scored, fetcher, RlReplayCheck.Needs,
            (receipt, update, participant, picks, blobs) =>
                check.Check(receipt, update, participant.Slot, task.Round.Index, task.Round.Seed, picks, blobs, cancellation), cancellation);
    }
}
