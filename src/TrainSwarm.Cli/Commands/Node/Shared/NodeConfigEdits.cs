using TrainSwarm.Node;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>
/// The changes `swarm node config` makes, each a pure step from one config to the next plus a line saying what it
/// did. A bad request throws <see cref="CliException"/> (exit 2 for malformed input, 1 for what this machine lacks)
/// before anything is written.
/// </summary>
public static class NodeConfigEdits
{
    /// <summary>Every setting back to its default; the key file and the saved presets stay (losing the key would change who the node is).</summary>
    public static (NodeConfig, string) Reset(NodeConfig config) =>
        (new NodeConfig { KeyFile = config.KeyFile, Presets = config.Presets }, "reset every setting to its default (kept key_file and saved presets)");

    /// <summary>Copies the preset's settings into the config and records its name as the last applied.</summary>
    public static (NodeConfig, string) ApplyPreset(NodeConfig config, string name)
    {
        var preset = NodePresets.Get(name, config);
        return (NodePresets.Apply(config, preset.Settings) with { Preset = preset.Name }, $"applied preset {preset.Name}: " +
            $"{NodePresets.Describe(preset.Settings)}");
    }

    /// <summary>`KEY=VALUE`: an empty value removes the key (back to its default).</summary>
    public static (NodeConfig, string) Set(NodeConfig config, string assignment)
    {
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
            throw new CliException($"--set takes KEY=VALUE, not '{assignment}'; keys: {NodeConfigKeys.Names}", SwarmApp.BadUsage);
        var name = assignment[..equals].Trim();
        var text = assignment[(equals + 1)..].Trim();
        if (name == "preset")
            return text.Length == 0 ? (config with { Preset = null }, "unset preset") : ApplyPreset(config, text);
        if (NodeConfigKeys.Structured.TryGetValue(name, out var how))
            throw new CliException($"{name} is not set with --set; use {how}", SwarmApp.BadUsage);
        var key = NodeConfigKeys.Find(name)
                  ?? throw new CliException($"unknown config key '{name}'; keys: {NodeConfigKeys.Names}", SwarmApp.BadUsage);
        if (text.Length == 0)
            return (key.With(config, null), $"unset {key.Name} (default: {key.Default})");
        var (value, error) = key.Parse(text);
        if (error is not null)
            throw new CliException($"invalid value for {key.Name}: {error}; accepted: {key.Accepted}", SwarmApp.BadUsage);
        if (key.CheckOnSet?.Invoke(value!) is { } problem)
            throw new CliException($"invalid value for {key.Name}: {problem}");
        return (key.With(config, value), $"set {key.Name} = {NodeConfigRedaction.Redact(value)}");
    }

    /// <summary>`NAME:/DIR`: where dataset NAME's files are on this machine; the directory must exist.</summary>
    public static (NodeConfig, string) AddPath(NodeConfig config, string pair)
    {
        var (name, directory) = Split(pair, "--add-path", "NAME:/DIR");
        if (!NodeConfigKeys.IsDatasetName(name))
            throw new CliException($"--add-path: '{name}' is not a dataset name (lowercase letters, digits, '.', '_', '-')", SwarmApp.BadUsage);
        var full = Path.GetFullPath(NodeConfigKeys.ExpandHome(directory));
        if (!Directory.Exists(full))
            throw new CliException($"--add-path {name}: the directory {full} does not exist");
        var paths = new SortedDictionary<string, string>(config.Paths ?? new SortedDictionary<string, string>(), StringComparer.Ordinal) { [name] = full };
        return (config with { Paths = paths }, $"added path {name} = {full}");
    }

    /// <summary>
    /// `REQUESTED:LOCAL`: train LOCAL when a job asks for REQUESTED. LOCAL must be loadable here: a dataset this build
    /// knows, or one with a configured path.
    /// </summary>
    public static (NodeConfig, string) AddMapping(NodeConfig config, string pair)
    {
        var (requested, local) = Split(pair, "--add-mapping", "REQUESTED:LOCAL");
        var bad = new[] { requested, local }.FirstOrDefault(n => !NodeConfigKeys.IsDatasetName(n));
        if (bad is not null)
            throw new CliException($"--add-mapping: '{bad}' is not a dataset name (lowercase letters, digits, '.', '_', '-')", SwarmApp.BadUsage);
        if (requested == local)
            throw new CliException($"--add-mapping {pair}: a dataset cannot map to itself", SwarmApp.BadUsage);
        if (!NodeConfigValidation.IsLoadable(local, config))
        {
            throw new CliException($"--add-mapping {pair}: this node cannot load dataset '{local}': it is not one this build knows " +
                                   $"({string.Join(", ", DatasetCache.Loadable)}) and has no configured path (add one with --add-path {local}:/DIR)");
        }
        var mappings = new SortedDictionary<string, string>(config.Mappings ?? new SortedDictionary<string, string>(),
            StringComparer.Ordinal) { [requested] = local };
        return (config with { Mappings = mappings }, $"added mapping {requested} -> {local}");
    }

    /// <summary>Removes the mapping of REQUESTED; there must be one.</summary>
    public static (NodeConfig, string) RemoveMapping(NodeConfig config, string requested)
    {
        if (config.Mappings is null || !config.Mappings.ContainsKey(requested))
        {
            var known = config.Mappings is { Count: > 0 } m ? string.Join(", ", m.Keys) : "none";
            throw new CliException($"--remove-mapping: there is no mapping for '{requested}' (mappings: {known})");
        }
        var mappings = new SortedDictionary<string, string>(config.Mappings, StringComparer.Ordinal);
        mappings.Remove(requested);
        return (config with { Mappings = mappings.Count == 0 ? null : mappings }, $"removed mapping {requested}");
    }

    /// <summary>Saves the current preset-able settings under NAME (replacing a user preset of that name).</summary>
    public static (NodeConfig, string) SavePreset(NodeConfig config, string name)
    {
        if (NodePresets.BuiltIn.Any(p => p.Name == name))
            throw new CliException($"--save-preset: '{name}' is a built-in preset; choose another name", SwarmApp.BadUsage);
        if (!NodePresets.IsPresetName(name))
            throw new CliException($"--save-preset: '{name}' is not a preset name (lowercase letters, digits, '-', '_', up to 40; not " +
                $"'{NodePresets.ListWord}')", SwarmApp.BadUsage);
        var settings = NodePresets.Extract(config);
        var presets = new SortedDictionary<string, NodeConfig>(config.Presets ?? new SortedDictionary<string, NodeConfig>(),
            StringComparer.Ordinal) { [name] = settings };
        return (config with { Presets = presets }, $"saved preset {name}: {NodePresets.Describe(settings)}");
    }

    private static (string, string) Split(string pair, string option, string shape)
    {
        var colon = pair.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || colon == pair.Length - 1)
            throw new CliException($"{option} takes {shape}, not '{pair}'", SwarmApp.BadUsage);
        return (pair[..colon].Trim(), pair[(colon + 1)..].Trim());
    }
}
