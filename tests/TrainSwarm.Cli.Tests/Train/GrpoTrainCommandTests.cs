using System.Text.Json;

namespace TrainSwarm.Cli.Tests.Train;

/// <summary>`swarm train --preset grpo` and `swarm bench grpo`, cut to a few steps (the figures need the full preset).</summary>
[Collection(nameof(CliSerial))]
public class GrpoTrainCommandTests
{
    [Fact]
    public async Task Train_grpo_prints_exact_match_before_and_after_and_the_reward_of_every_step_and_round()
    {
        var (code, output) = await CliRunner.Run("train", "--preset", "grpo", "--pretrain-steps", "5", "--rounds", "2", "--steps", "2",
            "--seed", "3", "--threads", "1");
        Assert.True(code == 0, output);
        Assert.Contains("GRPO on 2-digit addition and subtraction", output);
        Assert.Matches(@"Pre-trained: loss \d+\.\d{4}; held-out exact match \d+\.\d %", output);
        Assert.Matches(@"step +2/2 +reward \d\.\d{3} +sampled exact", output);
        Assert.Matches(@"round 2: mean reward \d\.\d{3}, sampled exact \d+\.\d %; held-out exact match", output);
        Assert.Matches(@"Held-out exact match: \d+\.\d % → \d+\.\d %", output);
    }

    [Theory]
    [InlineData("--digits", "7")]
    [InlineData("--temperature", "0")]
    [InlineData("--rounds", "0")]
    public async Task Bad_grpo_usage_is_a_one_line_error_with_exit_code_2(string option, string value)
    {
        var (code, output) = await CliRunner.Run("train", "--preset", "grpo", option, value);
        Assert.Equal(2, code);
        Assert.StartsWith("error:", output.TrimStart());
    }

    [Fact]
    public async Task Bench_grpo_prints_a_json_line_per_round_and_one_for_the_run()
    {
        var (code, output) = await CliRunner.Run("bench", "grpo", "--pretrain-steps", "5", "--rounds", "2", "--steps", "1", "--threads", "1");
        Assert.True(code == 0, output);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["grpo_round", "grpo_round", "grpo_exact_match"], lines.Select(l => l.GetProperty("figure").GetString()));
        Assert.Equal(1, lines[0].GetProperty("reward_per_step").GetArrayLength());
        Assert.InRange(lines[1].GetProperty("mean_reward").GetDouble(), 0, 1.1);
        Assert.InRange(lines[2].GetProperty("before").GetDouble(), 0, 1);
        Assert.Equal(lines[1].GetProperty("heldout_exact_match").GetDouble(), lines[2].GetProperty("after").GetDouble());
        Assert.True(lines[2].GetProperty("wall_seconds").GetDouble() > 0);
    }
}
