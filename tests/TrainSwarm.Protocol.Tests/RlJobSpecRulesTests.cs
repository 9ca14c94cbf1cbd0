using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Protocol.Tests;

public class RlJobSpecRulesTests
{
    private static readonly JobSpec Rl = new() { Kind = JobKinds.Rl, Rounds = 20 };

    [Fact]
    public void The_cartpole_preset_with_its_defaults_is_valid() => Assert.Empty(JobSpecRules.Validate(Rl));

    [Fact]
    public void An_rl_job_needs_no_dataset_or_model() =>
        Assert.Empty(JobSpecRules.Validate(Rl with { Dataset = "no-such-dataset", Model = "no-such-model" }));

    [Fact]
    public void An_image_spec_serializes_without_kind_or_rl_so_stored_specs_keep_their_bytes()
    {
        var json = SwarmJson.Serialize(new JobSpec());
        Assert.DoesNotContain("\"kind\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"rl\"", json, StringComparison.Ordinal);
        Assert.False(new JobSpec().IsRl);
        Assert.Equal(100L * 64, new JobSpec().SamplesPerUpdate);
    }

    [Fact]
    public void An_rl_spec_round_trips_and_counts_env_steps_per_update()
    {
        var spec = Rl with { Rl = new RlJobSpec { RolloutsPerRound = 8, TargetReturn = 200 } };
        var back = SwarmJson.Deserialize<JobSpec>(SwarmJson.Serialize(spec))!;
        Assert.Equal((JobKinds.Rl, 8, 200.0), (back.Kind, back.RlSettings.RolloutsPerRound, back.RlSettings.TargetReturn));
        Assert.Equal(8L * 8 * 32, back.SamplesPerUpdate);
        Assert.Equal(16L * 256, Rl.SamplesPerUpdate);
    }

    [Fact]
    public void Bad_rl_values_are_named_field_by_field()
    {
        var errors = JobSpecRules.Validate(Rl with
        {
            TargetAccuracy = 0.9,
            Rl = new RlJobSpec
            {
                Preset = "pong", Environment = "Pong-v5", Envs = 0, Epochs = 0, Gamma = 1.5, GaeLambda = double.NaN, LearningRate = 0,
                ClipRange = -1, MaxGradNorm = 0, Hidden = [], RolloutsPerRound = 0, EvalEpisodes = 0, TargetReturn = 501,
            },
        });
        Assert.Equal(
            ["rl.clipRange", "rl.environment", "rl.envs", "rl.epochs", "rl.evalEpisodes", "rl.gaeLambda", "rl.gamma", "rl.hidden", "rl.learningRate",
                "rl.maxGradNorm", "rl.preset", "rl.rolloutsPerRound", "rl.targetReturn", "targetAccuracy"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_schedule_must_cover_every_round_of_one_node()
    {
        // 30 rounds × 16 rollouts × 256 steps = 122,880 > 100,000: the learning rate would reach 0 before the last round.
        var errors = JobSpecRules.Validate(Rl with { Rounds = 30 });
        Assert.Equal(["rl.scheduleTimesteps"], errors.Keys);
        Assert.Empty(JobSpecRules.Validate(Rl with { Rounds = 30, Rl = new RlJobSpec { ScheduleTimesteps = 122_880 } }));
    }

    [Fact]
    public void Unknown_kinds_and_rl_settings_on_an_image_job_are_refused()
    {
        Assert.Equal(["kind"], JobSpecRules.Validate(new JobSpec { Kind = "dpo" }).Keys);
        Assert.Equal(["rl"], JobSpecRules.Validate(new JobSpec { Rl = new RlJobSpec() }).Keys);
    }
}
