using System.Globalization;
using System.Text.RegularExpressions;
using TrainSwarm.Learning.Training;
using TrainSwarm.Ledger;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>
/// One setting of the config file as users name it in `--set key=value`: how to read and write it on a
/// <see cref="NodeConfig"/>, what values it accepts, and whether a preset may carry it.
/// </summary>
/// <param name="Parse">Turns typed text into the stored canonical text, or returns an error (without the key's name).</param>
/// <param name="CheckOnSet">Extra checks against this machine (a file or folder exists) made only when a user sets the value.</param>
public sealed record ConfigKey(
    string Name,
    string Accepted,
    string Default,
    bool InPreset,
    Func<NodeConfig, string?> Get,
    Func<NodeConfig, string?, NodeConfig> With,
    Func<string, (string? Value, string? Error)> Parse,
    Func<string, string?>? CheckOnSet = null);

/// <summary>Every key of the config file that `--set` accepts, in the file's order.</summary>
public static partial class NodeConfigKeys
{
    public const int MaxNameLength = 100;

    public static IReadOnlyList<ConfigKey> All { get; } =
    [
        new("coordinator", "an http(s) URL such as http://127.0.0.1:7070", "http://127.0.0.1:7070 (or $TRAINSWARM_COORDINATOR)", false,
            c => c.Coordinator, (c, v) => c with { Coordinator = v }, ParseUrl),
        new("key_file", "the path of an ECDSA P-256 key file (PEM)", "~/.trainswarm/keys/node.pem", false,
            c => c.KeyFile, (c, v) => c with { KeyFile = v }, ParsePath, CheckKeyFile),
        new("name", $"1 to {MaxNameLength} characters", "this machine's name", false,
            c => c.Name, (c, v) => c with { Name = v }, ParseName),
        new("datasets", "dataset names separated by commas (lowercase letters, digits, '.', '_', '-')", "fashion-mnist", true,
            c => c.Datasets is null ? null : string.Join(",", c.Datasets), (c, v) => c with { Datasets = v is null ? null : SplitList(v) }, ParseDatasets),
        new("min_reward", "a token amount with at most 6 decimals, e.g. 0.5", "none", true,
            c => c.MinReward, (c, v) => c with { MinReward = v }, ParseTokens),
        new("max_reward", "a token amount with at most 6 decimals, e.g. 2", "none", true,
            c => c.MaxReward, (c, v) => c with { MaxReward = v }, ParseTokens),
        new("max_stake", "a token amount with at most 6 decimals, e.g. 1", "any", true,
            c => c.MaxStake, (c, v) => c with { MaxStake = v }, ParseTokens),
        new("epochs", "a whole number from 1 to 1000", "1", true,
            c => Text(c.Epochs), (c, v) => c with { Epochs = Number(v) }, v => ParseInt(v, 1, 1000)),
        new("max_batches", "a whole number from 0 (no cap) to 1000000", "0 (no cap)", true,
            c => Text(c.MaxBatches), (c, v) => c with { MaxBatches = Number(v) }, v => ParseInt(v, 0, 1_000_000)),
        new("max_parallel", "a whole number from 1 to 64", "1", true,
            c => Text(c.MaxParallel), (c, v) => c with { MaxParallel = Number(v) }, v => ParseInt(v, 1, 64)),
        new("auto_train", "true or false", "true", true,
            c => Text(c.AutoTrain), (c, v) => c with { AutoTrain = Flag(v) }, ParseBool),
        new("auto_claim", "true or false", "true", true,
            c => Text(c.AutoClaim), (c, v) => c with { AutoClaim = Flag(v) }, ParseBool),
        new("encoding", string.Join(" or ", DeltaCodec.Encodings), "f32", true,
            c => c.Encoding, (c, v) => c with { Encoding = v }, ParseEncoding),
        new("threads", "a whole number from 1 to 1024", "one per core", true,
            c => Text(c.Threads), (c, v) => c with { Threads = Number(v) }, v => ParseInt(v, 1, 1024)),
        new("poll_ms", "a whole number of milliseconds from 10 to 3600000", "500", true,
            c => Text(c.PollMs), (c, v) => c with { PollMs = Number(v) }, v => ParseInt(v, 10, 3_600_000)),
        new("data_dir", "the path of an existing directory", "known install paths, then the cache", false,
            c => c.DataDir, (c, v) => c with { DataDir = v }, ParsePath, CheckDirectory),
    ];

    /// <summary>Keys that exist in the file but are changed by their own options, not by `--set`.</summary>
    public static IReadOnlyDictionary<string, string> Structured { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["mappings"] = "--add-mapping REQUESTED:LOCAL and --remove-mapping REQUESTED",
        ["paths"] = "--add-path NAME:/DIR",
        ["presets"] = "--save-preset NAME",
    };

    /// <summary>The key called <paramref name="name"/>, or null.</summary>
    public static ConfigKey? Find(string name) => All.FirstOrDefault(k => k.Name == name);

    /// <summary>The names `--set` accepts, for error messages.</summary>
    public static string Names => string.Join(", ", All.Select(k => k.Name).Append("preset"));

    /// <summary>True for a dataset name this tool accepts: lowercase letters, digits, '.', '_' and '-', at most 64.</summary>
    public static bool IsDatasetName(string name) => DatasetName().IsMatch(name);

    /// <summary>Splits a comma list, trimming and dropping empty and repeated names.</summary>
    public static string[] SplitList(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex DatasetName();

    private static string? Text(int? value) => value?.ToString(CultureInfo.InvariantCulture);
    private static string? Text(bool? value) => value is null ? null : value.Value ? "true" : "false";
    private static int? Number(string? text) => text is null ? null : int.Parse(text, CultureInfo.InvariantCulture);
    private static bool? Flag(string? text) => text is null ? null : text == "true";

    private static (string?, string?) ParseUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.Host.Length > 0
            ? (text.TrimEnd('/'), null) : (null, $"'{text}' is not an http(s) URL");

    private static (string?, string?) ParsePath(string text)
    {
        try
        {
            return (Path.GetFullPath(ExpandHome(text)), null);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return (null, $"'{text}' is not a valid path");
        }
    }

    /// <summary>A leading "~/" is the home folder, as a shell would have expanded it.</summary>
    public static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal)
            ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify) + path[1..]
            : path;

    private static string? CheckKeyFile(string path)
    {
        if (!File.Exists(path))
            return $"there is no key file at {path} (create one with: swarm wallet create --key {path})";
        try
        {
            using var key = Protocol.Identity.ActorKey.Load(path);
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return $"{path} is not a usable key: {e.Message}";
        }
    }

    private static string? CheckDirectory(string path) => Directory.Exists(path) ? null : $"the directory {path} does not exist";

    private static (string?, string?) ParseName(string text)
    {
        var name = text.Trim();
        return name.Length is > 0 and <= MaxNameLength ? (name, null) : (null, $"'{text}' is not 1 to {MaxNameLength} characters");
    }

    private static (string?, string?) ParseDatasets(string text)
    {
        var names = SplitList(text);
        if (names.Length == 0)
            return (null, "no dataset named");
        var bad = names.FirstOrDefault(n => !IsDatasetName(n));
        return bad is null ? (string.Join(",", names), null) : (null, $"'{bad}' is not a dataset name");
    }

    private static (string?, string?) ParseTokens(string text) =>
        Asset.TryParse(text, out var units) ? (Asset.Format(units), null) : (null, $"'{text}' is not a token amount");

    private static (string?, string?) ParseInt(string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? (n.ToString(CultureInfo.InvariantCulture), null)
            : (null, $"'{text}' is out of range or not a whole number");

    private static (string?, string?) ParseBool(string text) => text switch
    {
        "true" or "false" => (text, null),
        _ => (null, $"'{text}' is not true or false"),
    };

    private static (string?, string?) ParseEncoding(string text) =>
        DeltaCodec.Encodings.Contains(text) ? (text, null) : (null, $"'{text}' is not an update encoding");
}
