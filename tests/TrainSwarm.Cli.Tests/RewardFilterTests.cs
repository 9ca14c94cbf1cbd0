namespace TrainSwarm.Cli.Tests;

/// <summary>
/// `swarm node start`'s reward bounds as command-line options (the filter itself is tested in TrainSwarm.Node.Tests).
/// </summary>
public sealed class RewardFilterTests
{
    [Theory]
    [InlineData("--min-reward", "abc")]
    [InlineData("--min-reward", "1.1234567")]
    [InlineData("--max-reward", "-1")]
    public async Task A_bad_reward_bound_is_one_line_of_bad_usage(string option, string value)
    {
        var (code, output) = await CliRunner.Run("node", "start", option, value, "--coordinator", "http://127.0.0.1:9");
        Assert.Equal(2, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: " + option, line);
    }

    [Fact]
    public async Task Crossed_reward_bounds_are_bad_usage()
    {
        var (code, output) = await CliRunner.Run("node", "start", "--min-reward", "2", "--max-reward", "1", "--coordinator", "http://127.0.0.1:9");
        Assert.Equal(2, code);
        Assert.StartsWith("error: --min-reward 2.000000 is above --max-reward 1.000000", output.Trim());
    }
}
