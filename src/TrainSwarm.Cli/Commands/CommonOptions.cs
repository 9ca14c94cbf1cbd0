using System.CommandLine;

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
}
