using TrainSwarm.Coordination.Aggregation;
using static TrainSwarm.Coordination.Tests.Weights;

namespace TrainSwarm.Coordination.Tests;

public class ContributionChecksTests
{
    // ‖base‖ = √6; every delta below has its values in the weight tensor only.
    private static readonly List<WeightTensor> Base = Of([1, 1, 1, 1], [1, 1]);
    private static readonly List<WeightTensor> A = Of([1, 0, 0, 0], [0, 0]);
    private static readonly List<WeightTensor> B = Of([0, 1, 0, 0], [0, 0]);

    private static ContributionCheck[] Check(params List<WeightTensor>[] updates) =>
        ContributionChecks.CheckRound(updates.Cast<IReadOnlyList<WeightTensor>>().ToList(), Base);

    [Fact]
    public void Cosine_and_dot_are_exact_on_small_examples()
    {
        Assert.Equal(1.0, ContributionChecks.Dot(A, Of([1, 5, 0, 0], [0, 0])));
        Assert.Equal(0.6, ContributionChecks.Cosine(A, Of([0.6f, 0.8f, 0, 0], [0, 0])), 1e-7);
        Assert.Equal(-1.0, ContributionChecks.Cosine(A, Of([-3, 0, 0, 0], [0, 0])));
        Assert.Equal(0.0, ContributionChecks.Cosine(A, Of([0, 0, 0, 0], [0, 0])));
    }

    [Fact]
    public void Two_different_updates_both_contribute()
    {
        // |cosine| 0.6: as close as honest deltas of different shards come after the first round (0.60 measured, mlp).
        var checks = Check(A, Of([0.6f, 0.8f, 0, 0], [0, 0]));
        Assert.All(checks, c => Assert.True(c.Passed, c.Reason));
        Assert.Equal(0.6, checks[1].MaxSimilarity, 1e-7);
        Assert.Equal(0, checks[1].SimilarTo);
        Assert.Equal(1.0, checks[1].NormRatio, 1e-7);
        Assert.Equal(1.0, checks[0].RelativeNorm, 1e-7);
        Assert.Equal(1 / Math.Sqrt(6), checks[0].BaseRelativeNorm, 1e-12);
        Assert.Equal(-1, checks[0].SimilarTo);
    }

    [Fact]
    public void An_all_zero_delta_contributes_nothing_even_alone()
    {
        var alone = Assert.Single(Check(Of([0, 0, 0, 0], [0, 0])));
        Assert.Equal("the delta is all zeros", alone.Reason);
        var checks = Check(A, Of([0, 0, 0, 0], [0, 0]), B);
        Assert.True(checks[0].Passed && checks[2].Passed);
        Assert.Equal("the delta is all zeros", checks[1].Reason);
        // A zero delta is similar to nothing, so it cannot make an honest update look like its copy.
        Assert.Equal(0, checks[1].MaxSimilarity);
    }

    [Fact]
    public void A_near_zero_delta_is_judged_against_the_round_median_and_the_base()
    {
        // Median norm 1; 0.05 of it is under the 0.1 minimum.
        var checks = Check(A, B, Of([0, 0, 0.05f, 0], [0, 0]));
        Assert.Equal(0.05, checks[2].RelativeNorm, 1e-7);
        Assert.Equal("the delta is near zero: its norm is 0.05 of the round's median (minimum 0.1)", checks[2].Reason);
        // Alone, or among other free riders, it is still caught by the base's norm: 1e-4 / √6 < 1e-3.
        var alone = Assert.Single(Check(Of([0, 0, 1e-4f, 0], [0, 0])));
        Assert.Equal("the delta is near zero: its norm is 4.08E-05 of the base model's (minimum 0.001)", alone.Reason);
        Assert.All(Check(Of([0, 0, 1e-4f, 0], [0, 0]), Of([0, 1e-4f, 0, 0], [0, 0])), c => Assert.False(c.Passed));
    }

    [Fact]
    public void An_exact_copy_loses_to_the_update_received_first()
    {
        var checks = Check(A, B, Of([1, 0, 0, 0], [0, 0]));
        Assert.True(checks[0].Passed && checks[1].Passed);
        Assert.Equal("a copy of update 0, received earlier (|cosine| 1.0000 ≥ 0.99, norm ratio 1)", checks[2].Reason);
        Assert.Equal((1.0, 0, 1.0), (checks[2].MaxSimilarity, checks[2].SimilarTo, checks[2].NormRatio));
    }

    [Fact]
    public void A_scaled_or_sign_flipped_copy_is_a_copy()
    {
        var checks = Check(A, Of([2, 0, 0, 0], [0, 0]), Of([-0.5f, 0, 0, 0], [0, 0]));
        Assert.True(checks[0].Passed);
        Assert.Equal("a copy of update 0, received earlier (|cosine| 1.0000 ≥ 0.99, norm ratio 2)", checks[1].Reason);
        Assert.Equal(2.0, checks[1].NormRatio);
        // Compared with both earlier updates, the halved sign flip is as similar to either; the first one is named.
        Assert.Equal((1.0, 0, 0.5), (checks[2].MaxSimilarity, checks[2].SimilarTo, checks[2].NormRatio));
        Assert.False(checks[2].Passed);
    }

    [Fact]
    public void A_copy_with_tiny_noise_is_a_copy_and_noise_of_a_fifth_of_its_norm_is_not()
    {
        // |cosine| = 1/√(1 + 0.01²) = 0.99995: a copy. With noise of 0.2 of the norm, 1/√1.04 = 0.9806 < 0.99.
        var checks = Check(A, B, Of([1, 0, 0.01f, 0], [0, 0]), Of([1, 0, 0, 0.2f], [0, 0]));
        Assert.Equal(1 / Math.Sqrt(1.0001), checks[2].MaxSimilarity, 1e-6);
        Assert.False(checks[2].Passed);
        Assert.Equal(1 / Math.Sqrt(1.04), checks[3].MaxSimilarity, 1e-6);
        Assert.True(checks[3].Passed, checks[3].Reason);
    }

    [Fact]
    public void A_replay_of_the_previous_rounds_delta_is_rejected_and_names_it()
    {
        IReadOnlyList<IReadOnlyList<WeightTensor>> previous = [Of([0, 0, 1, 0], [0, 0]), Of([0, 0, 0, 1], [0, 0])];
        var checks = ContributionChecks.CheckRound(
            [A, Of([0, 0, 0, 3], [0, 0])], Base, previous, ["node a's update", "node b's update"], ["node p's delta", "global step"]);
        Assert.True(checks[0].Passed, checks[0].Reason);
        Assert.Equal((0.0, -1), (checks[0].PreviousSimilarity, checks[0].PreviousTo));
        Assert.Equal("a replay of the previous round's global step (|cosine| 1.0000 ≥ 0.95)", checks[1].Reason);
        Assert.Equal((1.0, 1), (checks[1].PreviousSimilarity, checks[1].PreviousTo));
    }

    [Fact]
    public void Reasons_name_the_update_copied()
    {
        var checks = ContributionChecks.CheckRound([A, A], Base, names: ["node a's update", "node b's update"]);
        Assert.Equal("a copy of node a's update, received earlier (|cosine| 1.0000 ≥ 0.99, norm ratio 1)", checks[1].Reason);
    }
}
