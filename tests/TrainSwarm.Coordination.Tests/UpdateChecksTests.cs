using TrainSwarm.Coordination.Aggregation;

namespace TrainSwarm.Coordination.Tests;

public class UpdateChecksTests
{
    // A small model: 0.weight [3,4], 0.bias [3], 2.weight [2,3] (names as a Sequential with a ReLU in between).
    private static List<WeightTensor> Model(float fill = 1f) =>
    [
        new("0.weight", [3, 4], Enumerable.Repeat(fill, 12).ToArray()),
        new("0.bias", [3], Enumerable.Repeat(fill, 3).ToArray()),
        new("2.weight", [2, 3], Enumerable.Repeat(fill, 6).ToArray()),
    ];

    private static readonly List<WeightTensor> Base = Model(1f);

    private static string? Single(IReadOnlyList<WeightTensor> update) => UpdateChecks.CheckRound([update], Base)[0].Reason;

    [Fact]
    public void A_valid_update_passes_and_reports_its_norm()
    {
        var result = UpdateChecks.CheckRound([Model(0.5f)], Base)[0];
        Assert.True(result.Passed);
        Assert.Null(result.Reason);
        // 21 values of 0.5: √(21·0.25), computed in double.
        Assert.Equal(Math.Sqrt(21 * 0.25), result.Norm, 12);
    }

    [Fact]
    public void A_wrong_shape_is_rejected_naming_both_shapes()
    {
        var update = Model(0.1f);
        update[0] = new WeightTensor("0.weight", [4, 3], new float[12]);
        Assert.Equal("tensor 0.weight has shape [4,3], expected [3,4]", Single(update));
    }

    [Fact]
    public void A_missing_tensor_is_rejected()
    {
        var update = Model(0.1f);
        update.RemoveAt(2);
        Assert.Equal("missing tensor 2.weight", Single(update));
        var renamed = Model(0.1f);
        renamed[1] = new WeightTensor("0.b", [3], new float[3]);
        Assert.Equal("missing tensor 0.bias", Single(renamed));
    }

    [Fact]
    public void An_extra_tensor_is_rejected()
    {
        var update = Model(0.1f);
        update.Add(new WeightTensor("2.bias", [2], new float[2]));
        Assert.Equal("unexpected tensor 2.bias", Single(update));
    }

    [Fact]
    public void Tensors_out_of_order_are_rejected()
    {
        var update = Model(0.1f);
        (update[0], update[1]) = (update[1], update[0]);
        Assert.Equal("tensor 0 is 0.bias, expected 0.weight (tensors out of order)", Single(update));
    }

    [Fact]
    public void A_value_count_that_disagrees_with_the_shape_is_rejected()
    {
        var update = Model(0.1f);
        update[1] = new WeightTensor("0.bias", [3], new float[2]);
        Assert.Equal("tensor 0.bias holds 2 values, its shape [3] needs 3", Single(update));
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void Non_finite_values_are_rejected(float bad)
    {
        var update = Model(0.1f);
        update[2].Values[4] = bad;
        var result = UpdateChecks.CheckRound([update], Base)[0];
        Assert.Equal("tensor 2.weight holds NaN/Inf", result.Reason);
        Assert.Equal(0, result.Norm); // never NaN: verdicts are serialized to JSON
    }

    [Fact]
    public void A_norm_far_above_the_round_median_is_rejected()
    {
        // Norms: 0.1·√21 (×2), 0.2·√21 and 5·√21; median (0.1 + 0.2)/2·√21 = 0.15·√21, bound 1.5·√21.
        var updates = new[] { Model(0.1f), Model(0.1f), Model(0.2f), Model(5f) };
        var results = UpdateChecks.CheckRound(updates, Base);
        Assert.All(results.Take(3), r => Assert.True(r.Passed));
        Assert.NotNull(results[3].Reason);
        Assert.StartsWith("norm 22.9129 is more than 10× the round's median 0.687386", results[3].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_median_counts_only_structurally_sound_updates()
    {
        // The broken update (norm 0 in its result) must not pull the median down and get the big one rejected.
        var broken = Model(0f);
        broken.RemoveAt(0);
        var results = UpdateChecks.CheckRound([broken, Model(1f), Model(2f)], Base);
        Assert.Equal("missing tensor 0.weight", results[0].Reason);
        Assert.True(results[1].Passed);
        Assert.True(results[2].Passed);
    }

    [Fact]
    public void A_lone_update_is_bounded_by_ten_times_the_base_norm()
    {
        // ‖base‖ = √21; 9.9·√21 passes, 10.1·√21 does not.
        Assert.Null(Single(Model(9.9f)));
        Assert.StartsWith("norm 46.284 is more than 10× the base model's norm 4.58258", Single(Model(10.1f)), StringComparison.Ordinal);
    }

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        Assert.Equal(2.5, UpdateChecks.Median([4, 1, 2, 3]));
        Assert.Equal(3, UpdateChecks.Median([5, 3, 1]));
    }
}
