using TrainSwarm.Dashboard.Forms;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Dashboard.Tests;

public sealed class JobFormTests
{
    private static JobForm Quick()
    {
        var form = new JobForm { Name = "demo" };
        form.Apply(JobPreset.All.Single(p => p.Id == "mlp-quick"));
        return form;
    }

    private static Quote QuoteOf(long total) => new("q000000000001", "", 0, 0, 0, 0, 0, 0, 0, 0, total, 0, null, null, 0,
        DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, "j000000000001", 1000, 200);

    [Fact]
    public void A_preset_fills_a_valid_spec()
    {
        var errors = new Dictionary<string, string>();
        var spec = Quick().ToSpec(errors);
        Assert.Empty(errors);
        Assert.Equal(new JobSpec
        {
            Name = "demo", Model = "mlp", Dataset = "fashion-mnist", Rounds = 2, MinNodes = 1, MaxNodes = 2, InnerSteps = 10, BatchSize = 32,
            LearningRate = 0.05, Optimizer = "sgd", Strategy = "fedavg", TrainSamples = 2000,
        }, spec);
    }

    [Fact]
    public void Validators_above_one_ask_for_a_majority_quorum_and_a_bad_count_is_named()
    {
        var form = Quick();
        form.Validators = "3";
        var errors = new Dictionary<string, string>();
        var spec = form.ToSpec(errors);
        Assert.Empty(errors);
        Assert.Equal((3, 3, 2), (spec!.Validators, spec.ValidatorCount, spec.QuorumSize));
        form.Validators = "1";
        Assert.Null(form.ToSpec(errors)!.Validators);
        form.Validators = "17";
        Assert.Null(form.ToSpec(errors));
        Assert.Equal(["validators"], errors.Keys);
    }

    [Fact]
    public void A_missing_dataset_and_bad_numbers_are_named_by_field()
    {
        var form = Quick();
        form.Dataset = "";
        form.Rounds = "three";
        form.MaxNodes = "0";
        form.TargetAccuracy = "150";
        var errors = new Dictionary<string, string>();
        Assert.Null(form.ToSpec(errors));
        Assert.Equal("choose a dataset", errors["dataset"]);
        Assert.Equal("must be a whole number", errors["rounds"]);
        Assert.Equal("must be between minNodes and 256", errors["maxNodes"]);
        Assert.Equal("must be above 0 % and at most 100 %", errors["targetAccuracy"]);
        Assert.Equal("three", form.Rounds); // what was typed stays
    }

    [Fact]
    public void Custom_layers_keep_their_arguments_together()
    {
        var form = Quick();
        form.Model = "custom";
        form.Layers = "flatten, linear(784, 64)\nrelu\nlinear(64,10)";
        var spec = form.ToSpec(new Dictionary<string, string>());
        Assert.Equal(["flatten", "linear(784,64)", "relu", "linear(64,10)"], spec!.Layers);
    }

    [Fact]
    public void The_budget_defaults_to_the_quote_and_may_not_fall_below_it_unless_partial()
    {
        var form = Quick();
        var errors = new Dictionary<string, string>();
        Assert.Equal((1_234_567L, 3600), form.Terms(QuoteOf(1_234_567), errors));

        form.Budget = "1.234566";
        errors.Clear();
        Assert.Null(form.Terms(QuoteOf(1_234_567), errors));
        Assert.Equal(
            "1.234566 tokens is below the quote's total of 1.234567 tokens " +
            "(raise it, or allow a partial job that trains until the budget is spent)",
            errors["budget"]);

        form.PartialBudget = true;
        errors.Clear();
        Assert.Equal((1_234_566L, 3600), form.Terms(QuoteOf(1_234_567), errors));

        form.Budget = "1.0000001";
        errors.Clear();
        Assert.Null(form.Terms(QuoteOf(1), errors));
        Assert.StartsWith("must be a number of tokens above 0 with at most 6 decimals", errors["budget"]);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("2h", 7200)]
    [InlineData("1d", 86400)]
    [InlineData("45", 45)]
    [InlineData(" 2H ", 7200)]
    public void Deadlines_read_with_units(string text, int seconds) => Assert.Equal(TimeSpan.FromSeconds(seconds), JobForm.ParseDuration(text));

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-5m")]
    [InlineData("2w")]
    [InlineData("1.5h")]
    public void Other_deadlines_are_refused(string text)
    {
        Assert.Null(JobForm.ParseDuration(text));
        var form = Quick();
        form.Deadline = text;
        var errors = new Dictionary<string, string>();
        Assert.Null(form.Terms(QuoteOf(1), errors));
        Assert.Equal("must be a duration such as 90s, 30m, 2h or 1d", errors["deadline"]);
    }

    [Fact]
    public void A_deadline_beyond_thirty_days_is_refused()
    {
        var form = Quick();
        form.Deadline = "31d";
        var errors = new Dictionary<string, string>();
        Assert.Null(form.Terms(QuoteOf(1), errors));
        Assert.Equal("must be between 1 second and 30 days", errors["deadline"]);
    }
}
