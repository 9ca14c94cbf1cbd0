using Spectre.Console;

namespace TrainSwarm.Cli.Tests;

/// <summary>Runs the real command tree against a console that records what a person would see.</summary>
internal static class CliRunner
{
    public static async Task<(int ExitCode, string Output)> Run(params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        int code = await SwarmApp.RunAsync(args, console);
        return (code, writer.ToString());
    }
}
