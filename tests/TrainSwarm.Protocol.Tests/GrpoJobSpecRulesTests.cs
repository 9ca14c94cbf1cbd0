using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Protocol.Tests;

public class GrpoJobSpecRulesTests
{
    private static readonly JobSpec Grpo = new() { Kind = JobKinds.Grpo, Rounds = 2 };

    [Fact]
    public void The_preset_defaults_are_valid_and_need_no_dataset_or_model() =>
        Assert.Empty(JobSpecRules.Validate(Grpo with { Dataset = "no-such-dataset", Model = "no-such-model" }));

    [Fact]
    public void A_grpo_job_commits_once_a_round_and_counts_sequence_tokens_per_update()
    {
        var g = Grpo.GrpoSettings;
        // A GRPO round is replayed from its start, so by default its only commitment is at the round's end.
        Assert.Equal(25, Grpo.CommitInterval);
        Assert.Equal("fedavg", Grpo.Strategy);
        // "99+99=" is 6 tokens; an answer is at most '-', 3 digits... capped at digits + 3 = 5 with its newline.
        Assert.Equal((6, 5, 11), (g.MaxPromptTokens, g.CompletionTokens, g.SequenceTokens));
        Assert.Equal(16L * 8 * 11, g.TokensPerStep);
        Assert.Equal(25L * 16 * 8 * 11, Grpo.SamplesPerUpdate);
        Assert.Equal(8, (Grpo with { Grpo = new GrpoJobSpec { Digits = 1, MaxNewTokens = 9 } }).GrpoSettings.SequenceTokens);
    }

    [Fact]
    public void A_spec_reads_back_equal_and_omits_grpo_settings_on_other_kinds()
    {
        var spec = Grpo with { Grpo = new GrpoJobSpec { StepsPerRound = 10, PretrainSteps = 300 } };
        Assert.Equal(spec, SwarmJson.Deserialize<JobSpec>(SwarmJson.Serialize(spec)));
        Assert.NotEqual(spec, spec with { Grpo = new GrpoJobSpec { StepsPerRound = 11, PretrainSteps = 300 } });
        Assert.DoesNotContain("grpo", SwarmJson.Serialize(new JobSpec()), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_grpo_values_are_named_field_by_field()
    {
        var errors = JobSpecRules.Validate(Grpo with
        {
            TargetAccuracy = 0.5,
            CommitEvery = 26,
            Grpo = new GrpoJobSpec
            {
                Preset = "gpt-huge", Digits = 7, PretrainSteps = 0, PretrainBatchSize = 0, TrainPrompts = 0, GroupSize = 1, PromptsPerStep = 0,
                StepsPerRound = 0, MaxNewTokens = 0, Temperature = 0, Lr = double.NaN, Clip = -1, KlCoef = -1, InnerEpochs = 0, EvalPrompts = 0,
                TargetAccuracy = 1.5,
            },
        });
        foreach (var field in new[]
                 {
                     "grpo.preset", "grpo.digits", "grpo.pretrainSteps", "grpo.pretrainBatchSize", "grpo.trainPrompts", "grpo.groupSize",
                     "grpo.promptsPerStep", "grpo.stepsPerRound", "grpo.maxNewTokens", "grpo.temperature", "grpo.lr", "grpo.clip", "grpo.klCoef",
                     "grpo.innerEpochs", "grpo.evalPrompts", "grpo.targetAccuracy", "targetAccuracy", "commitEvery",
                 })
            Assert.True(errors.ContainsKey(field), $"{field} not named; got {string.Join(", ", errors.Keys)}");
        Assert.Equal("must be one of grpo-tiny, gpt-tiny, gpt-small", errors["grpo.preset"][0]);
    }

    [Fact]
    public void Too_many_held_out_prompts_or_grpo_settings_on_another_kind_are_refused()
    {
        // 2 digits: 20,000 problems, about 2,000 held out; at most half of them are drawn.
        Assert.Equal(1000, GrpoJobSpecRules.MaxEvalPrompts(2));
        Assert.Empty(JobSpecRules.Validate(Grpo with { Grpo = new GrpoJobSpec { EvalPrompts = 1000 } }));
        Assert.Equal("must be between 1 and 1000 (half the held-out problems at 2 digit(s))",
            JobSpecRules.Validate(Grpo with { Grpo = new GrpoJobSpec { EvalPrompts = 1001 } })["grpo.evalPrompts"][0]);
        Assert.Equal("only a job of kind grpo takes grpo settings", JobSpecRules.Validate(new JobSpec { Grpo = new GrpoJobSpec() })["grpo"][0]);
        Assert.True(GrpoJobSpecRules.IsTaskName(GrpoJobSpecRules.TaskName(2)));
        Assert.False(GrpoJobSpecRules.IsTaskName("fashion-mnist"));
    }
}
