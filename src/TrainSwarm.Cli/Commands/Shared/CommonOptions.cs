using System.CommandLine;
using Spectre.Console;

namespace TrainSwarm.Cli.Commands;

/// <summary>Option shapes many commands share, and raw writing for renderers that only hold a console.</summary>
internal static class CommonOptions
{
    /// <summary>An integer option that must be at least 1.</summary>
    public static Option<int> Positive(string name, string description, int defaultValue)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 1) r.AddError($"{name} must be at least 1");
        });
        return option;
    }

    /// <summary>Writes one raw line (no markup, no wrapping).</summary>
    public static void WriteLine(IAnsiConsole console, string line) => console.Profile.Out.Writer.WriteLine(line);
}
