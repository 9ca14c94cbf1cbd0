using TrainSwarm.Ledger;
using TrainSwarm.Node;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>Checks a whole config (as loaded from the file, or about to be written) and the dataset-location rules.</summary>
public static class NodeConfigValidation
{
    /// <summary>The first bad value in <paramref name="config"/> (the file key it is under, and why), or null.</summary>
    public static (string Key, string Message)? FirstProblem(NodeConfig config)
    {
        if (SettingProblem(config) is { } setting)
            return setting;
        if (config.Preset is { } preset && !NodePresets.IsPresetName(preset))
            return ("preset", $"preset: '{preset}' is not a preset name");
        foreach (var (requested, local) in config.Mappings ?? [])
        {
            if (!NodeConfigKeys.IsDatasetName(requested) || !NodeConfigKeys.IsDatasetName(local) || requested == local)
                return ("mappings", $"mappings: '{requested}' -> '{local}' is not a mapping between two different dataset names");
        }
        foreach (var (name, path) in config.Paths ?? [])
        {
            if (!NodeConfigKeys.IsDatasetName(name) || !Path.IsPathRooted(path))
                return ("paths", $"paths: '{name}' -> '{path}' is not a dataset name with an absolute directory");
        }
        foreach (var (name, settings) in config.Presets ?? [])
        {
            if (!NodePresets.IsPresetName(name) || NodePresets.BuiltIn.Any(p => p.Name == name))
                return (name, $"presets: '{name}' is not a name a saved preset can have");
            if (!NodePresets.HoldsOnlyPresetSettings(settings))
                return (name, $"presets: '{name}' holds a setting a preset cannot carry (only " +
                    $"{string.Join(", ", NodeConfigKeys.All.Where(k => k.InPreset).Select(k => k.Name))})");
            if (SettingProblem(settings) is { } inPreset)
                return (name, $"presets: '{name}': {inPreset.Message}");
        }
        return null;
    }

    // Each --set-able value parses, and the reward bounds are not crossed.
    private static (string Key, string Message)? SettingProblem(NodeConfig config)
    {
        foreach (var key in NodeConfigKeys.All)
        {
            if (key.Get(config) is { } text && key.Parse(text).Error is { } error)
                return (key.Name, $"{key.Name}: {error} (accepted: {key.Accepted})");
        }
        if (Asset.TryParse(config.MinReward, out var min) && Asset.TryParse(config.MaxReward, out var max) && min > max)
            return ("min_reward", $"min_reward {Asset.Format(min)} is above max_reward {Asset.Format(max)}");
        return null;
    }

    /// <summary>
    /// True when the node can load <paramref name="name"/>: a dataset this build knows, or one whose directory the
    /// config names in <c>paths</c>.
    /// </summary>
    public static bool IsLoadable(string name, NodeConfig config) =>
        DatasetCache.Loadable.Contains(name, StringComparer.Ordinal) || (config.Paths?.ContainsKey(name) ?? false);
}
