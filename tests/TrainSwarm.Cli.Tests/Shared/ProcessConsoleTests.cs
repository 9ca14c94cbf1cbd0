using Spectre.Console;

namespace TrainSwarm.Cli.Tests.Shared;

/// <summary>The process's console: a log file or a pipe gets plain text (`swarm devnet > log` once wrote escape codes).</summary>
public sealed class ProcessConsoleTests
{
    [Fact]
    public void Redirected_output_carries_no_escape_codes_whatever_the_terminal_type()
    {
        var writer = new StringWriter();
        var console = SwarmApp.CreateConsole(writer, redirected: true);

        console.MarkupLine("[bold green]done[/] in [grey]3 s[/]");
        console.Write(new Table().AddColumn("[bold]round[/]").AddRow("[red]0[/]"));

        Assert.False(console.Profile.Capabilities.Ansi);
        Assert.Equal(ColorSystem.NoColors, console.Profile.Capabilities.ColorSystem);
        Assert.False(console.Profile.Capabilities.Interactive);
        var text = writer.ToString();
        Assert.StartsWith("done in 3 s" + Environment.NewLine, text, StringComparison.Ordinal);
        Assert.Contains("round", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', text);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("true")]
    public void NO_COLOR_on_a_terminal_takes_the_colours_away_and_keeps_the_terminal(string noColor)
    {
        var console = SwarmApp.CreateConsole(new StringWriter(), redirected: false, noColor);

        Assert.Equal(ColorSystem.NoColors, console.Profile.Capabilities.ColorSystem);
        Assert.False(Hosting.ConsoleColors.Allowed(redirected: false, noColor));
        Assert.True(Hosting.ConsoleColors.Allowed(redirected: false, noColor: ""));
        Assert.False(Hosting.ConsoleColors.Allowed(redirected: true, noColor: null));
    }
}
