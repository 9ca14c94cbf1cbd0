using System.Text;
using System.Text.Json;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>
/// Where the node config file lives, and reading and writing it: a corrupt file is a one-line error naming the file
/// and the line and is never overwritten; a write replaces the file atomically (temporary file, then rename), mode 0600.
/// </summary>
public static class NodeConfigStore
{
    /// <summary>--config FILE: the node config file that setup, config and start read.</summary>
    public static System.CommandLine.Option<string?> ConfigOption() => new("--config")
    {
        Description = $"Node config file (default: ${PathVariable}, else ~/.trainswarm/config.json)", HelpName = "FILE",
    };

    /// <summary>The environment variable that names the config file when --config is not given.</summary>
    public const string PathVariable = "TRAINSWARM_CONFIG";

    /// <summary>~/.trainswarm/config.json.</summary>
    public static string HomePath => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile,
        Environment.SpecialFolderOption.DoNotVerify), ".trainswarm", "config.json");

    /// <summary>The file to use: --config, else $TRAINSWARM_CONFIG, else ~/.trainswarm/config.json.</summary>
    public static string Resolve(string? option, Func<string, string?> environment)
    {
        var chosen = option is { Length: > 0 } ? option : environment(PathVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : HomePath;
        return Path.GetFullPath(NodeConfigKeys.ExpandHome(chosen));
    }

    /// <summary>The config at <paramref name="path"/>; a missing file is the empty config.</summary>
    /// <exception cref="CliException">The file cannot be read, is not valid JSON, or holds a bad value.</exception>
    public static NodeConfig Load(string path)
    {
        if (Directory.Exists(path))
            throw new CliException($"the node config {path} is a directory; give the path of a file");
        if (!File.Exists(path))
            return NodeConfig.Empty;
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot read the node config {path}: {e.Message}");
        }
        if (string.IsNullOrWhiteSpace(text))
            throw new CliException($"the node config {path} is corrupt at line 1: the file is empty; fix the file or delete it (nothing was changed)");
        NodeConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<NodeConfig>(text, NodeConfig.Json);
        }
        catch (JsonException e)
        {
            // LineNumber is 0-based; people and editors count from 1.
            var line = e.LineNumber is { } n ? $" line {n + 1}" : "";
            throw new CliException($"the node config {path} is corrupt at{line}: {Reason(e)}; fix the file or delete it (nothing was changed)");
        }
        if (config is null)
            throw new CliException($"the node config {path} is corrupt at line 1: it holds null, not an object; fix the file or delete it (nothing " +
                $"was changed)");
        var problem = NodeConfigValidation.FirstProblem(config);
        if (problem is not null)
        {
            var line = LineOf(text, problem.Value.Key);
            throw new CliException($"the node config {path} has a bad value at line {line}: {problem.Value.Message}; fix the file or delete it " +
                $"(nothing was changed)");
        }
        return config;
    }

    /// <summary>Writes <paramref name="config"/> to <paramref name="path"/>: a temporary file beside it (mode 0600), then a rename over it.</summary>
    public static void Save(string path, NodeConfig config)
    {
        var directory = Path.GetDirectoryName(path)!;
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            if (OperatingSystem.IsWindows())
                Directory.CreateDirectory(directory);
            else if (!Directory.Exists(directory))
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(config.ToJson()));
                // On disk before the rename, so a crash leaves the old file or the new one, never an empty one.
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"cannot write the node config {path}: {e.Message}");
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    // System.Text.Json appends " Path: $.x | LineNumber: 2 | BytePositionInLine: 4." to its messages; we say the line ourselves.
    private static string Reason(JsonException e)
    {
        if (e.Message.Contains("could not be mapped", StringComparison.Ordinal) && e.Path is { Length: > 2 } jsonPath)
            return $"unknown key '{jsonPath[2..]}' (keys: {NodeConfigKeys.Names}, mappings, paths, presets)";
        var message = e.Message;
        var cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        if (cut < 0)
            cut = message.IndexOf(" LineNumber: ", StringComparison.Ordinal);
        return (cut >= 0 ? message[..cut] : message).Trim().TrimEnd('.');
    }

    // The 1-based line where "key" first appears as a property name (1 when it cannot be found).
    private static long LineOf(string text, string key)
    {
        var at = text.IndexOf($"\"{key}\"", StringComparison.Ordinal);
        return at < 0 ? 1 : 1 + text.AsSpan(0, at).Count('\n');
    }
}
