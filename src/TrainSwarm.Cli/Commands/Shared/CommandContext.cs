using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands;

/// <summary>
/// What every command needs, built once by <see cref="SwarmApp.BuildRoot"/> and passed to every command's factory: the
/// console people read, the --coordinator option and its environment default, key loading, coordinator clients, and
/// the one "--json or text" switch. Commands take these from here, never from a sibling command's static members.
/// </summary>
public sealed class CommandContext(IAnsiConsole console)
{
    /// <summary>The environment variable that names the coordinator when --coordinator is not given.</summary>
    public const string CoordinatorVariable = Node.NodeSettingsMerge.CoordinatorVariable;

    /// <summary>Where a local coordinator listens by default.</summary>
    public const string DefaultCoordinator = Node.NodeSettingsMerge.DefaultCoordinator;

    /// <summary>The wire JSON shape (camelCase, enums as kebab-case strings), indented for people who read it anyway.</summary>
    public static readonly JsonSerializerOptions Indented = new(SwarmJson.Options) { WriteIndented = true };

    /// <summary>The injected console: everything a command prints goes here, so tests read what a person sees.</summary>
    public IAnsiConsole Console { get; } = console;

    /// <summary>The console's raw writer: lines written here are never wrapped to the console width.</summary>
    public TextWriter Out => Console.Profile.Out.Writer;

    /// <summary>--coordinator URL, defaulting to $TRAINSWARM_COORDINATOR or the local address; checked at parse time.</summary>
    public Option<string> CoordinatorOption()
    {
        var coordinator = new Option<string>("--coordinator")
        {
            Description = $"Coordinator URL (or set ${CoordinatorVariable})",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(CoordinatorVariable) is { Length: > 0 } url ? url : DefaultCoordinator,
        };
        coordinator.Validators.Add(r =>
        {
            if (!IsHttpUrl(r.GetValueOrDefault<string?>()))
                r.AddError("--coordinator must be an http(s) URL such as " + DefaultCoordinator);
        });
        return coordinator;
    }

    /// <summary>True for an absolute http or https URL: what --coordinator accepts.</summary>
    public static bool IsHttpUrl(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";

    /// <summary>--json: print machine-readable output instead of tables (<paramref name="description"/> when it says more).</summary>
    public Option<bool> JsonOption(string description = "Print JSON instead of text") => new("--json") { Description = description };

    /// <summary>--key PATH, defaulting to ~/.trainswarm/keys/<paramref name="defaultFile"/>.</summary>
    public Option<string> KeyOption(string defaultFile, string? note = null) => new("--key")
    {
        Description = note is null ? "Key file (PEM)" : $"Key file (PEM; {note})",
        DefaultValueFactory = _ => DefaultKeyPath(defaultFile),
    };

    /// <summary>~/.trainswarm/keys/<paramref name="file"/>.</summary>
    public static string DefaultKeyPath(string file) =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".trainswarm", "keys", file);

    /// <summary>Loads the key at <paramref name="path"/>; a missing or unreadable file is one line that says what to do.</summary>
    public ActorKey LoadKey(string path) => KeyFiles.LoadExisting(path);

    /// <summary>A client of the coordinator at <paramref name="url"/> (already checked by the --coordinator option).</summary>
    public SwarmClient Client(string url, ActorKey? key = null) => new(new Uri(url), key);

    /// <summary>
    /// The one place a command chooses between its two outputs: <paramref name="value"/> as indented wire JSON when
    /// <paramref name="json"/>, else <paramref name="render"/> draws it for people.
    /// </summary>
    public void Output<T>(T value, bool json, Action<T> render)
    {
        if (json)
            WriteJson(value);
        else
            render(value);
    }

    /// <summary>Prints <paramref name="value"/> as indented wire JSON, raw (never wrapped to the console width).</summary>
    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, Indented));

    /// <summary>Writes one raw line (no markup, no wrapping).</summary>
    public void WriteLine(string line) => Out.WriteLine(line);
}
