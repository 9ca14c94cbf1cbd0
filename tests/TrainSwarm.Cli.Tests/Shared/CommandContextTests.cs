using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Cli.Commands;

namespace TrainSwarm.Cli.Tests.Shared;

/// <summary>The one command context every command is built with: the --json-or-text switch, options and key loading.</summary>
public sealed class CommandContextTests
{
    private static (CommandContext Context, StringWriter Output) Make()
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Out = new AnsiConsoleOutput(writer),
        });
        return (new CommandContext(console), writer);
    }

    private sealed record Sample(string JobId, long Amount, Protocol.Wire.JobStatus Status);

    [Fact]
    public void Output_with_json_writes_indented_wire_json_and_never_renders()
    {
        var (context, output) = Make();
        context.Output(new Sample("j0123456789ab", 1_500_000, Protocol.Wire.JobStatus.Completed), json: true,
            _ => throw new InvalidOperationException("rendered"));
        Assert.Equal("{\n  \"jobId\": \"j0123456789ab\",\n  \"amount\": 1500000,\n  \"status\": \"completed\"\n}\n",
            output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Output_without_json_renders_the_same_value_and_writes_no_json()
    {
        var (context, output) = Make();
        Sample? seen = null;
        var value = new Sample("j0123456789ab", 1, Protocol.Wire.JobStatus.Running);
        context.Output(value, json: false, v =>
        {
            seen = v;
            context.WriteLine($"job {v.JobId}: {v.Amount}");
        });
        Assert.Same(value, seen);
        Assert.Equal("job j0123456789ab: 1\n", output.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void The_coordinator_option_takes_http_urls_only()
    {
        var (context, _) = Make();
        var option = context.CoordinatorOption();
        var command = new RootCommand { option };
        Assert.Empty(command.Parse(["--coordinator", "https://example.org:7070"]).Errors);
        var error = Assert.Single(command.Parse(["--coordinator", "ftp://example.org"]).Errors);
        Assert.Equal("--coordinator must be an http(s) URL such as " + CommandContext.DefaultCoordinator, error.Message);
        Assert.Equal("TRAINSWARM_COORDINATOR", CommandContext.CoordinatorVariable);
    }

    [Fact]
    public void Loading_a_missing_key_is_one_line_that_says_what_to_do()
    {
        var (context, _) = Make();
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.pem");
        var e = Assert.Throws<CliException>(() => context.LoadKey(path));
        Assert.Equal($"no key at {path}; create one with: swarm wallet create --key {path}", e.Message);
        Assert.Equal(SwarmApp.Failure, e.ExitCode);
    }
}
