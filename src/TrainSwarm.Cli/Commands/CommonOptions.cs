using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands;

/// <summary>Option shapes many commands share.</summary>
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

    /// <summary>--json: print machine-readable output instead of tables.</summary>
    public static Option<bool> Json() => new("--json") { Description = "Print JSON instead of text" };

    /// <summary>The wire JSON shape (camelCase, enums as kebab-case strings), indented for people who read it anyway.</summary>
    public static readonly JsonSerializerOptions Indented = new(SwarmJson.Options) { WriteIndented = true };

    /// <summary>Prints <paramref name="value"/> as indented wire JSON, raw (never wrapped to the console width).</summary>
    public static void WriteJson<T>(IAnsiConsole console, T value) =>
        console.Profile.Out.Writer.WriteLine(JsonSerializer.Serialize(value, Indented));

    /// <summary>Writes one raw line (no markup, no wrapping).</summary>
    public static void WriteLine(IAnsiConsole console, string line) => console.Profile.Out.Writer.WriteLine(line);
}
