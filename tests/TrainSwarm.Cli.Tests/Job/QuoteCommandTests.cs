namespace TrainSwarm.Cli.Tests.Job;

public sealed class QuoteCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"swarm-quote-{Guid.NewGuid():N}");

    public QuoteCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_missing_spec_file_is_a_one_line_failure()
    {
        var path = Path.Combine(_dir, "nope.json");
        // The coordinator address is never contacted: the file is read first.
        var (code, output) = await CliRunner.Run("job", "quote", path, "--coordinator", "http://127.0.0.1:9");
        Assert.Equal(1, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: cannot read the spec file", line);
        Assert.Contains(path, line);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"rounds":0}""")]
    public async Task A_malformed_or_invalid_spec_is_bad_usage(string text)
    {
        var path = Path.Combine(_dir, "bad.json");
        await File.WriteAllTextAsync(path, text);
        var (code, output) = await CliRunner.Run("job", "quote", path, "--coordinator", "http://127.0.0.1:9");
        Assert.Equal(2, code);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: the spec file", line);
    }

    [Fact]
    public async Task No_spec_argument_is_bad_usage()
    {
        var (code, output) = await CliRunner.Run("job", "quote");
        Assert.Equal(2, code);
        Assert.StartsWith("error:", output.TrimStart());
    }
}
