using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Job;

/// <summary>`swarm job quote|submit` with the rl flags: the same spec a YAML file of kind rl gives, and bad values refused by flag.</summary>
[Collection(SwarmCollection.Name)]
public sealed class RlFlagsTests(SwarmFixture swarm)
{
    private const string Nowhere = "http://127.0.0.1:9";

    private static readonly string[] RlFlags =
        ["--kind", "rl", "--rounds", "2", "--nodes", "3", "--min-nodes", "1", "--rollouts", "4", "--target-return", "400", "--eval-episodes", "20",
            "--schedule-timesteps", "20000", "--rl-preset", "cartpole-ppo"];

    // What the flags above describe: the rl preset's defaults except for the fields they set.
    private static readonly JobSpec Expected = new JobSpec() with
    {
        Kind = JobKinds.Rl, Rounds = 2, MaxNodes = 3, MinNodes = 1,
        Rl = new RlJobSpec { RolloutsPerRound = 4, TargetReturn = 400, EvalEpisodes = 20, ScheduleTimesteps = 20_000 },
    };

    [Fact]
    public async Task Quote_with_rl_flags_prices_the_rl_job_they_describe()
    {
        var (code, output) = await CliRunner.Run(["job", "quote", .. RlFlags, "--coordinator", swarm.Url]);
        Assert.True(code == 0, output);
        var lines = Lines.Of(output);
        Assert.EndsWith(": rl cartpole-ppo on CartPole-v1, 2 rounds × 3 nodes × 4 rollouts of 256 env steps", lines[0], StringComparison.Ordinal);
        // Env steps are rounds × nodes × rollouts × 256, exactly.
        Assert.StartsWith("training: 6,144 env steps × ", lines[1], StringComparison.Ordinal);
        var total = await swarm.QuoteTotalAsync(Expected);
        Assert.Contains(lines, l => l.Contains(TrainSwarm.Ledger.Asset.Format(total), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Submit_with_rl_flags_stores_exactly_the_spec_a_yaml_file_of_kind_rl_would()
    {
        var (key, address) = await swarm.FundedKeyFileAsync(50 * TrainSwarm.Ledger.Asset.UnitsPerToken);
        var (code, output) = await CliRunner.Run(["job", "submit", .. RlFlags, "--budget", "5", "--key", key, "--coordinator", swarm.Url]);
        Assert.True(code == 0, output);
        using var client = swarm.Client();
        var job = await client.JobAsync(SwarmFixture.JobIdIn(output));
        Assert.Equal(address, job.Creator);
        // Records compare lists by reference, so the rl block's hidden widths are compared by value apart.
        Assert.Equal(Expected with { Name = job.Spec.Name, Rl = null }, job.Spec with { Rl = null });
        var rl = Assert.IsType<RlJobSpec>(job.Spec.Rl);
        Assert.Equal(Expected.Rl! with { Hidden = rl.Hidden }, rl);
        Assert.Equal([64, 64], rl.Hidden);
    }

    [Theory]
    [InlineData("--target-return", "600", "--target-return: must be above 0 and at most 500 (CartPole-v1's longest episode)")]
    [InlineData("--target-return", "0", "--target-return: must be above 0 and at most 500 (CartPole-v1's longest episode)")]
    [InlineData("--eval-episodes", "0", "--eval-episodes: must be between 1 and 10000")]
    [InlineData("--rollouts", "20000", "--rollouts: must be between 1 and 10000")]
    [InlineData("--schedule-timesteps", "100", "--schedule-timesteps: must be at least rounds × rolloutsPerRound × envs × steps")]
    public async Task A_bad_rl_value_is_bad_usage_naming_the_flag(string flag, string value, string message)
    {
        // The spec is checked before any key is read or the coordinator is asked.
        foreach (var verb in new[] { "quote", "submit" })
        {
            string[] extra = verb == "submit" ? ["--key", "unused.pem", "--budget", "1"] : [];
            var (code, output) = await CliRunner.Run(["job", verb, "--kind", "rl", flag, value, "--coordinator", Nowhere, .. extra]);
            Assert.Equal(2, code);
            var line = Lines.Single(output);
            Assert.StartsWith("error: the job spec has invalid fields: " + message, line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task An_rl_flag_on_a_job_of_another_kind_is_refused_rather_than_dropped()
    {
        var (code, output) = await CliRunner.Run("job", "quote", "--rounds", "2", "--target-return", "400", "--coordinator", Nowhere);
        Assert.Equal(2, code);
        Assert.Equal("error: --target-return sets an rl job's settings; add --kind rl (or use a spec file of kind rl)", Lines.Single(output));
        (code, output) = await CliRunner.Run("job", "quote", "--kind", "image", "--eval-episodes", "10", "--coordinator", Nowhere);
        Assert.Equal(2, code);
        Assert.StartsWith("error: --eval-episodes sets an rl job's settings", Lines.Single(output), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--kind", "dpo")]
    [InlineData("--rl-preset", "mountaincar")]
    public async Task An_unknown_kind_or_preset_is_bad_usage(string flag, string value)
    {
        string[] kind = flag == "--kind" ? [] : ["--kind", "rl"];
        var (code, output) = await CliRunner.Run(["job", "quote", .. kind, flag, value, "--coordinator", Nowhere]);
        Assert.Equal(2, code);
        Assert.Contains(value, output, StringComparison.Ordinal);
    }
}
