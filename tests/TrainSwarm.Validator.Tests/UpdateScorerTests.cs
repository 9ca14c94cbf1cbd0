using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using static TrainSwarm.Validator.Tests.Synthetic;

namespace TrainSwarm.Validator.Tests;

public class UpdateScorerTests(ITestOutputHelper log)
{
    private static UpdateScorer Scorer() => UpdateScorer.Create(Spec, BaseModel(), Images(200));

    [Fact]
    public void A_good_delta_scores_better_than_the_base()
    {
        var scorer = Scorer();
        var verdict = Assert.Single(scorer.Score([Candidate("a", GoodDelta())])).Verdict;
        log.WriteLine($"base loss {verdict.BaseLoss:F4} acc {verdict.BaseAccuracy:F3}; updated loss {verdict.UpdatedLoss:F4} acc {verdict.UpdatedAccuracy:F3}");
        Assert.True(verdict.Accepted, verdict.Reason);
        Assert.True(verdict.UpdatedLoss < verdict.BaseLoss);
        // The target model implements the labeling rule exactly, so every holdout image is right.
        Assert.Equal(1.0, verdict.UpdatedAccuracy);
        Assert.Equal(scorer.Base.Loss, verdict.BaseLoss);
        Assert.Equal(100, verdict.Samples);
        Assert.Equal(10, verdict.Steps);
        Assert.True(verdict.Norm > 0);
    }

    [Fact]
    public void A_nan_update_is_rejected_with_its_reason()
    {
        var delta = Filled(0.01f);
        delta[1].AsF32()[1] = float.NaN;
        var verdict = Assert.Single(Scorer().Score([Candidate("a", delta)])).Verdict;
        Assert.False(verdict.Accepted);
        Assert.Equal("tensor 1.bias holds NaN/Inf", verdict.Reason);
        Assert.Equal(0, verdict.Norm);
    }

    [Fact]
    public void A_wrong_shape_update_is_rejected_with_its_reason()
    {
        List<NamedArray> delta = [NamedArray.F32("1.weight", new float[8], 4, 2), NamedArray.F32("1.bias", [0, 0], 2)];
        var scored = Assert.Single(Scorer().Score([Candidate("a", delta)]));
        Assert.Equal("tensor 1.weight has shape [4,2], expected [2,4]", scored.Verdict.Reason);
        Assert.Null(scored.Delta);
    }

    [Fact]
    public void Int8_and_f32_updates_both_decode_and_score_alike()
    {
        // Each tensor's largest-magnitude value is positive here: DeltaCodec.Encode currently falls back to scale 1
        // when it is negative (MaxMagnitude keeps the sign), which this test is not about.
        List<NamedArray> delta = [NamedArray.F32("1.weight", [0.5f, -0.25f, 0.1f, 0, -0.3f, 0.4f, 0, 0.05f], 2, 4), NamedArray.F32("1.bias", [0.2f, -0.1f], 2)];
        // Scored in two rounds: in one round the second would be a copy of the first.
        var scored = new[] { "f32", "int8" }.Select(e => Assert.Single(Scorer().Score([Candidate(e, delta, e)]))).ToList();
        Assert.All(scored, s => Assert.True(s.Verdict.Accepted, s.Verdict.Reason));
        var (f32, int8) = (scored[0].Verdict, scored[1].Verdict);
        log.WriteLine($"f32 loss {f32.UpdatedLoss:F6} norm {f32.Norm:F6}; int8 loss {int8.UpdatedLoss:F6} norm {int8.Norm:F6}");
        // int8 rounds each value to within half of 1/127 of its tensor's largest magnitude (≤ 0.002 here): the norm
        // and the loss move by well under 1%.
        Assert.Equal(f32.Norm, int8.Norm, 0.01 * f32.Norm);
        Assert.Equal(f32.UpdatedLoss, int8.UpdatedLoss, 0.01 * f32.UpdatedLoss);
    }

    [Fact]
    public void An_encoding_other_than_the_receipts_is_rejected()
    {
        var bytes = DeltaCodec.Encode(GoodDelta(), "int8");
        var candidate = new CandidateUpdate(Receipt("a", bytes, "f32"), bytes, null);
        Assert.Equal("the update is int8-encoded, its receipt says f32", Assert.Single(Scorer().Score([candidate])).Verdict.Reason);
    }

    [Fact]
    public void Bytes_that_are_not_safetensors_are_rejected()
    {
        byte[] garbage = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        var verdict = Assert.Single(Scorer().Score([new CandidateUpdate(Receipt("a", garbage), garbage, null)])).Verdict;
        Assert.False(verdict.Accepted);
        Assert.StartsWith("the update does not decode: ", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_reason_from_the_network_checks_is_kept()
    {
        var candidate = new CandidateUpdate(Receipt("a", [1]), null, "update blob x is not in the blob store");
        var verdict = Assert.Single(Scorer().Score([candidate])).Verdict;
        Assert.False(verdict.Accepted);
        Assert.Equal("update blob x is not in the blob store", verdict.Reason);
    }

    [Fact]
    public void An_update_far_above_the_rounds_median_norm_is_rejected()
    {
        // b points elsewhere than a in one value, so it is not a scaled copy of a.
        var b = Filled(0.02f);
        b[0].AsF32()[0] = -0.02f;
        var scored = Scorer().Score([Candidate("a", Filled(0.01f)), Candidate("b", b), Candidate("c", Filled(5f))]);
        Assert.True(scored[0].Verdict.Accepted);
        Assert.True(scored[1].Verdict.Accepted);
        Assert.StartsWith("norm ", scored[2].Verdict.Reason, StringComparison.Ordinal);
        Assert.Contains("the round's median", scored[2].Verdict.Reason, StringComparison.Ordinal);
    }
}
