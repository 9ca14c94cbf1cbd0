using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using static TrainSwarm.Validator.Tests.Synthetic;

namespace TrainSwarm.Validator.Tests;

/// <summary>Scores taken while a round trained (by update blob) stand in for the evaluation at validation, and change no verdict.</summary>
public class EarlyScoreReuseTests
{
    private static UpdateScorer Scorer() => UpdateScorer.Create(Spec, BaseModel(), Images(200));

    // What the validator's early pass stores for a candidate: the holdout score of base + its decoded delta on the same scorer.
    private static EvalResult EarlyScore(UpdateScorer scorer, CandidateUpdate candidate)
    {
        var weights = WeightSet.Clone(scorer.BaseWeights);
        WeightSet.AddScaled(weights, CandidateChecks.Decode(candidate, scorer.BaseWeights).Delta!, 1f);
        return scorer.Evaluate(weights);
    }

    [Fact]
    public void Verdicts_from_early_scores_equal_those_scored_at_validation()
    {
        var candidates = new[] { Candidate("a", GoodDelta()), Candidate("b", Filled(0.02f)) };
        var late = Scorer().Score(candidates);
        var scorer = Scorer();
        // The early pass runs before the round's other evaluations, and validation reuses the same scorer, as the daemon does.
        var known = candidates.ToDictionary(c => c.Receipt.UpdateBlob, c => EarlyScore(scorer, c));
        var early = scorer.Score(candidates, known: known);
        Assert.Equal(late.Select(s => s.Verdict), early.Select(s => s.Verdict));
        Assert.Contains(early, s => s.Verdict.Accepted);
    }

    [Fact]
    public void A_known_score_is_used_instead_of_evaluating_again()
    {
        var candidate = Candidate("a", GoodDelta());
        var marker = new EvalResult(100, 0.5, 0.125);
        var verdict = Assert.Single(Scorer().Score([candidate], known: new Dictionary<string, EvalResult> { [candidate.Receipt.UpdateBlob] = marker })).Verdict;
        Assert.Equal(0.125, verdict.UpdatedLoss);
        Assert.Equal(0.5, verdict.UpdatedAccuracy);
    }

    [Fact]
    public void A_known_score_of_an_update_the_checks_reject_is_not_used()
    {
        var delta = Filled(0.01f);
        delta[1].AsF32()[1] = float.NaN;
        var candidate = Candidate("a", delta);
        var known = new Dictionary<string, EvalResult> { [candidate.Receipt.UpdateBlob] = new(100, 0.5, 0.125) };
        var verdict = Assert.Single(Scorer().Score([candidate], known: known)).Verdict;
        Assert.False(verdict.Accepted);
        Assert.Equal("tensor 1.bias holds NaN/Inf", verdict.Reason);
        Assert.Equal(0, verdict.UpdatedLoss);
    }
}
