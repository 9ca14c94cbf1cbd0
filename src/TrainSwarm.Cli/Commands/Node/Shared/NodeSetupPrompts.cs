using Spectre.Console;
using TrainSwarm.Ledger;
using TrainSwarm.Node;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>
/// The questions of `swarm node setup`, asked in the terminal with Spectre.Console prompts. Each answer is checked
/// as it is typed (a bad one is asked again), with the same rules the flags and `swarm node config --set` use.
/// </summary>
public sealed class NodeSetupPrompts(IAnsiConsole console)
{
    /// <summary>The word that leaves a token bound unset.</summary>
    public const string None = "none";

    public const string KeyQuestion = "How should this node get its key?";
    public const string ImportQuestion = "PEM file to import";
    public const string CoordinatorQuestion = "Coordinator URL";
    public const string DatasetsQuestion = "Datasets to accept (comma separated)";
    public const string MinRewardQuestion = "Minimum expected reward per update, in tokens (none: no minimum)";
    public const string MaxRewardQuestion = "Maximum expected reward per update, in tokens (none: no maximum)";
    public const string MaxStakeQuestion = "Maximum stake per round, in tokens (none: any)";
    public const string ConfirmQuestion = "Write these settings";

    /// <summary>Which key to use; only the choices that make sense here are offered.</summary>
    public KeyChoice AskKeyChoice(string keyPath, Func<string, string?> environment)
    {
        var choices = new List<KeyChoice>();
        if (environment(NodeSettingsMerge.PrivateKeyVariable) is { Length: > 0 })
            choices.Add(KeyChoice.EnvironmentPem);
        if (environment(NodeSettingsMerge.KeyFileVariable) is { Length: > 0 })
            choices.Add(KeyChoice.EnvironmentFile);
        choices.Add(File.Exists(keyPath) ? KeyChoice.Existing : KeyChoice.New);
        choices.Add(KeyChoice.ImportFile);
        string Label(KeyChoice c) => c switch
        {
            KeyChoice.EnvironmentPem => $"Use the key in ${NodeSettingsMerge.PrivateKeyVariable}",
            KeyChoice.EnvironmentFile => $"Use the key file in ${NodeSettingsMerge.KeyFileVariable} ({environment(NodeSettingsMerge.KeyFileVariable)})",
            KeyChoice.Existing => $"Keep the existing key at {keyPath}",
            KeyChoice.New => $"Create a new key at {keyPath}",
            _ => "Import a PEM file",
        };
        var choice = console.Prompt(new SelectionPrompt<KeyChoice>().Title(KeyQuestion).AddChoices(choices).UseConverter(c => Markup.Escape(Label(c))));
        // The selection list disappears once answered; leave the answer on the screen like the text prompts do.
        console.Profile.Out.Writer.WriteLine($"{KeyQuestion} {Label(choice)}");
        return choice;
    }

    /// <summary>The PEM file to import: it must exist and hold a P-256 key.</summary>
    public string AskImportFile() => Ask(ImportQuestion, null, text =>
    {
        var file = Path.GetFullPath(NodeConfigKeys.ExpandHome(text));
        if (!File.Exists(file))
            return $"there is no file at {file}";
        try
        {
            using var key = Protocol.Identity.ActorKey.Load(file);
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    });

    public string AskCoordinator(string current) => Ask(CoordinatorQuestion, current, Check("coordinator"));

    public string AskDatasets(string current, NodeConfig config)
    {
        var known = DatasetCache.Loadable.Concat(config.Paths?.Keys ?? Enumerable.Empty<string>()).Distinct(StringComparer.Ordinal);
        console.Profile.Out.Writer.WriteLine($"This node can load: {string.Join(", ", known)} (add more with swarm node config --add-path NAME:/DIR)");
        return Ask(DatasetsQuestion, current, Check("datasets"));
    }

    /// <summary>A token amount or "none"; <paramref name="atLeast"/> is a lower bound (the minimum, when asking for the maximum).</summary>
    public string AskTokens(string question, string current, long? atLeast = null) => Ask(question, current, text =>
    {
        if (text == None)
            return null;
        if (!Asset.TryParse(text, out var units))
            return $"'{text}' is not a token amount (up to {Asset.Scale} decimals, e.g. 0.5) or {None}";
        return units < atLeast ? $"{Asset.Format(units)} is below the minimum {Asset.Format(atLeast.Value)}" : null;
    });

    public bool Confirm(string path) => console.Prompt(new ConfirmationPrompt(Markup.Escape($"{ConfirmQuestion} to {path}?")) { DefaultValue = true });

    private static Func<string, string?> Check(string keyName)
    {
        var key = NodeConfigKeys.Find(keyName)!;
        return text => key.Parse(text).Error is { } error ? $"{error}; accepted: {key.Accepted}" : null;
    }

    // A text question; check returns an error to show (and ask again) or null.
    private string Ask(string question, string? current, Func<string, string?> check)
    {
        var prompt = new TextPrompt<string>(Markup.Escape(question));
        if (current is not null)
            prompt.DefaultValue(current);
        prompt.Validate(text => check(text.Trim()) is { } error ? ValidationResult.Error(Markup.Escape("error: " + error)) : ValidationResult.Success());
        return console.Prompt(prompt).Trim();
    }
}
