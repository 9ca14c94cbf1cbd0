using TrainSwarm.Coordination.Aggregation;
using TrainSwarm.Nn.Serialization;
using static TrainSwarm.Validator.Tests.Synthetic;

namespace TrainSwarm.Validator.Tests;

/// <summary>A round scored with an honest pair and one free rider of each kind the contribution checks catch.</summary>
public class ContributionScoringTests(ITestOutputHelper log)
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.UnixEpoch;

    // The good delta with one of its weight rows (and the biases) zeroed: a different, still useful direction.
    private static List<NamedArray> Row(int keep)
    {
        var delta = GoodDelta();
        var w = delta[0].AsF32();
        for (var k = 0; k < 4; k++)
            w[(1 - keep) * 4 + k] = 0;
        delta[1].AsF32().AsSpan().Clear();
        return delta;
    }

    private static List<NamedArray> Scaled(List<NamedArray> delta, float scale, float noise = 0, int seed = 5)
    {
        var random = new Random(seed);
        return delta.Select(t => NamedArray.F32(t.Name, t.AsF32().Select(v => v * scale + noise * (float)(random.NextDouble() - 0.5)).ToArray(),
            [.. t.Shape])).ToList();
    }

    private static CandidateUpdate At(CandidateUpdate candidate, int seconds) => candidate with { ReceivedAt = T0.AddSeconds(seconds) };

    [Fact]
    public void Zero_copied_scaled_noised_and_replayed_updates_are_rejected_and_the_honest_ones_kept()
    {
        var scorer = UpdateScorer.Create(Spec, BaseModel(), Images(200));
        var good = GoodDelta();
        // Listed out of arrival order: the copy is first in the task but was received after the original.
        CandidateUpdate[] candidates =
        [
            At(Candidate("copy", Scaled(good, 1)), 4),
            At(Candidate("honest-a", good), 1),
            At(Candidate("honest-b", Row(1)), 2),
            At(Candidate("zero", Filled(0)), 3),
            At(Candidate("doubled", Scaled(good, 2)), 5),
            At(Candidate("noised", Scaled(good, 1, 1e-3f)), 6),
            At(Candidate("replay", Row(0)), 7),
        ];
        PreviousDelta[] previous = [new("node p's delta", WeightConversion.FromNamedArrays(Row(0)))];
        var verdicts = scorer.Score(candidates, default, previous).Select(s => s.Verdict).ToDictionary(v => v.Node);
        foreach (var v in verdicts.Values)
        {
            log.WriteLine($"{v.Node}: {(v.Accepted ? "accepted" : v.Reason)}; relative norm {v.Contribution?.RelativeNorm:F3}, "
                          + $"max |cos| {v.Contribution?.MaxSimilarity:F4} to {v.Contribution?.SimilarTo}, previous {v.Contribution?.PreviousSimilarity:F4}");
        }

        Assert.True(verdicts["honest-a"].Accepted, verdicts["honest-a"].Reason);
        Assert.True(verdicts["honest-b"].Accepted, verdicts["honest-b"].Reason);
        Assert.True(verdicts["honest-b"].Contribution!.MaxSimilarity < ContributionChecks.CopySimilarity);
        Assert.True(verdicts["honest-b"].UpdatedLoss < verdicts["honest-b"].BaseLoss);
        Assert.Equal("the delta is all zeros", verdicts["zero"].Reason);
        foreach (var copier in new[] { "copy", "doubled", "noised" })
        {
            Assert.False(verdicts[copier].Accepted);
            Assert.StartsWith("a copy of node honest-a's update, received earlier", verdicts[copier].Reason, StringComparison.Ordinal);
            Assert.Equal("honest-a", verdicts[copier].Contribution!.SimilarTo);
        }
        Assert.Equal(2.0, verdicts["doubled"].Contribution!.NormRatio, 1e-6);
        Assert.StartsWith("a replay of the previous round's node p's delta", verdicts["replay"].Reason, StringComparison.Ordinal);
        Assert.Equal("node p's delta", verdicts["replay"].Contribution!.PreviousTo);
        // Rejected updates are neither scored nor aggregated.
        Assert.All(verdicts.Values.Where(v => !v.Accepted), v => Assert.Equal(0, v.UpdatedLoss));
        Assert.Equal(2, scorer.Score(candidates, default, previous).Count(s => s.Delta is not null));
    }

    [Fact]
    public void Without_receive_times_the_task_order_decides_who_was_first()
    {
        var scorer = UpdateScorer.Create(Spec, BaseModel(), Images(200));
        var scored = scorer.Score([Candidate("first", GoodDelta()), Candidate("second", GoodDelta())]);
        Assert.True(scored[0].Verdict.Accepted, scored[0].Verdict.Reason);
        Assert.Equal("first", scored[1].Verdict.Contribution!.SimilarTo);
    }
}
