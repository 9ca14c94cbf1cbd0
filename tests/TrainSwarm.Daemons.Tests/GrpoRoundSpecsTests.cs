using TrainSwarm.Learning.Grpo;
using TrainSwarm.Learning.Models;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Daemons.Tests;

public class GrpoRoundSpecsTests
{
    private static readonly JobSpec Spec = new() { Kind = JobKinds.Grpo, Rounds = 2, Seed = 9 };

    [Fact]
    public void The_spec_defaults_are_the_train_preset_grpo_settings()
    {
        var preset = ArithmeticGrpoSettings.Preset();
        var g = Spec.GrpoSettings;
        Assert.Equal(preset.Model, GrpoRoundSpecs.Config(Spec));
        Assert.Equal((preset.Digits, preset.Pretrain.Steps, preset.Pretrain.BatchSize, preset.TrainPrompts, preset.HeldOut),
            (g.Digits, g.PretrainSteps, g.PretrainBatchSize, g.TrainPrompts, g.EvalPrompts));
        // The preset's MaxNewTokens (5) is already the 2-digit cap, so the round's GRPO settings are the preset's exactly.
        Assert.Equal(preset.Grpo, GrpoRoundSpecs.Grpo(Spec));
        var round = GrpoRoundSpecs.Round(Spec);
        Assert.Equal((2, 5000, 9UL, 25), (round.Digits, round.TrainPrompts, round.JobSeed, round.CommitEvery));
    }

    [Fact]
    public void The_grpo_rules_name_the_presets_contexts() =>
        Assert.All(GrpoJobSpecRules.Contexts, p => Assert.Equal(GrpoModels.Config(p.Key).BlockSize, p.Value));

    [Fact]
    public void The_rules_cap_held_out_prompts_as_the_task_does_and_at_100000()
    {
        Assert.All(Enumerable.Range(1, 3), d => Assert.Equal(new ArithmeticTasks(d).MaxHeldOutCount, GrpoJobSpecRules.MaxEvalPrompts(d)));
        Assert.Equal(100_000, GrpoJobSpecRules.MaxEvalPrompts(4));
    }

    [Fact]
    public void Held_out_prompts_are_held_out_and_fixed_by_the_evaluation_seed()
    {
        var tasks = new ArithmeticTasks(2);
        var a = GrpoRoundSpecs.EvalPrompts(Spec, 1);
        Assert.Equal(200, a.Count);
        Assert.Equal(a, GrpoRoundSpecs.EvalPrompts(Spec, 1));
        Assert.NotEqual(a, GrpoRoundSpecs.EvalPrompts(Spec, 2));
        var train = ArithmeticGrpo.TrainPrompts(tasks, 5000, Spec.Seed).Select(p => p.Prompt).ToHashSet();
        Assert.DoesNotContain(a, p => train.Contains(p.Prompt));
    }
}
