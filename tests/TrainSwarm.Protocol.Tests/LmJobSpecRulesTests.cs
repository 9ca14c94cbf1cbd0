using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Protocol.Tests;

public class LmJobSpecRulesTests
{
    private static readonly JobSpec Lm = new() { Kind = JobKinds.Lm, Rounds = 4 };

    [Fact]
    public void The_gpt_tiny_fortunes_defaults_are_valid_and_need_no_dataset_or_model() =>
        Assert.Empty(JobSpecRules.Validate(Lm with { Dataset = "no-such-dataset", Model = "no-such-model" }));

    [Fact]
    public void Diloco_is_the_default_strategy_of_an_lm_job_only()
    {
        Assert.Equal("diloco", Lm.Strategy);
        Assert.Equal("fedavg", new JobSpec().Strategy);
        Assert.Equal("fedavg", (Lm with { Strategy = "fedavg" }).Strategy);
        // The JSON holds the strategy in effect, so an image spec keeps its bytes and an lm spec reads back the same.
        Assert.Contains("\"strategy\":\"fedavg\"", SwarmJson.Serialize(new JobSpec()), StringComparison.Ordinal);
        var back = SwarmJson.Deserialize<JobSpec>(SwarmJson.Serialize(Lm));
        Assert.Equal("diloco", back.Strategy);
        Assert.Equal(Lm, back);
    }

    [Fact]
    public void An_lm_job_commits_every_25_steps_by_default_and_counts_tokens_per_update()
    {
        Assert.Equal(25, Lm.CommitInterval);
        Assert.Equal(4, new JobSpec().CommitInterval);
        Assert.Equal(100L * 8 * 64, Lm.SamplesPerUpdate);
        Assert.Equal(64L * 64, Lm.LmSettings.EvalTokens);
    }

    [Fact]
    public void Specs_are_equal_by_their_json_so_a_quote_binds_exactly_one_spec()
    {
        var a = Lm with { Lm = new LmJobSpec { InnerSteps = 50 } };
        var b = Lm with { Lm = new LmJobSpec { InnerSteps = 50 } };
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, b with { Lm = new LmJobSpec { InnerSteps = 51 } });
        Assert.Equal(Quote.DigestOf(a), Quote.DigestOf(b));
    }

    [Fact]
    public void Bad_lm_values_are_named_field_by_field()
    {
        var errors = JobSpecRules.Validate(Lm with
        {
            TargetAccuracy = 0.5,
            Lm = new LmJobSpec
            {
                Preset = "gpt-huge", Corpus = "wikipedia", BatchSize = 0, InnerSteps = 0, MaxLr = double.NaN, MinLr = -1, WarmupSteps = -1,
                WeightDecay = -1, GradClip = 0, EvalWindows = 0, TargetLoss = -1,
            },
        });
        foreach (var field in new[]
                 {
                     "lm.preset", "lm.corpus", "lm.batchSize", "lm.innerSteps", "lm.maxLr", "lm.minLr", "lm.warmupSteps", "lm.weightDecay",
                     "lm.gradClip", "lm.evalWindows", "lm.targetLoss", "targetAccuracy",
                 })
            Assert.True(errors.ContainsKey(field), $"{field} not named; got {string.Join(", ", errors.Keys)}");
        Assert.Equal("must be one of gpt-tiny, gpt-small", errors["lm.preset"][0]);
    }

    [Fact]
    public void A_sequence_longer_than_the_preset_context_or_lm_settings_on_another_kind_are_refused()
    {
        var errors = JobSpecRules.Validate(Lm with { Lm = new LmJobSpec { SeqLen = 129 } });
        Assert.Equal("must be between 1 and 128 (gpt-tiny's context)", errors["lm.seqLen"][0]);
        Assert.Empty(JobSpecRules.Validate(Lm with { Lm = new LmJobSpec { Preset = LmJobSpec.GptSmall, SeqLen = 256 } }));
        Assert.Equal("only a job of kind lm takes lm settings", JobSpecRules.Validate(new JobSpec { Lm = new LmJobSpec() })["lm"][0]);
    }
}
