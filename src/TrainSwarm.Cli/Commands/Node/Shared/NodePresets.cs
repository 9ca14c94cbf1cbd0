using System.Text.RegularExpressions;
using TrainSwarm.Learning.Data;
using TrainSwarm.Node;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>A named set of node settings: built into this build, or saved by the user in the config file.</summary>
public sealed record NodePreset(string Name, string Description, NodeConfig Settings, bool BuiltIn);

/// <summary>The built-in presets, the user's, and how a preset's settings lay over a config.</summary>
public static partial class NodePresets
{
    /// <summary>The MNIST family: 28×28 grayscale images of 10 classes in the IDX layout.</summary>
    public static IReadOnlyList<string> MnistLike { get; } = ["mnist", "fashion-mnist", "kmnist"];

    /// <summary>The catalog's small (28×28 grayscale) image datasets: the MNIST family and EMNIST.</summary>
    public static IReadOnlyList<string> Small { get; } =
        [.. DatasetCatalog.All.Where(e => e.InputShape.SequenceEqual([1, 28, 28])).Select(e => e.Name)];

    /// <summary>The CIFAR datasets (32×32 RGB).</summary>
    public static IReadOnlyList<string> Cifar { get; } = [DatasetCatalog.Cifar10.Name, DatasetCatalog.Cifar100.Name];

    /// <summary>The reserved word that lists presets instead of naming one.</summary>
    public const string ListWord = "list";

    /// <summary>The presets every build has, in the order they are listed.</summary>
    public static IReadOnlyList<NodePreset> BuiltIn { get; } =
    [
        new("image-all", "every image dataset in the catalog (the node serves those it finds here)",
            new NodeConfig { Datasets = [.. DatasetCache.Loadable] }, true),
        new("image-small", "the small (28x28 grayscale) image datasets, one round at a time", new NodeConfig { Datasets = [.. Small], MaxParallel = 1 }, true),
        new("cifar-only", "CIFAR-10 and CIFAR-100 only (32x32 RGB)", new NodeConfig { Datasets = [.. Cifar] }, true),
        new("mnist-only", "MNIST-like datasets only", new NodeConfig { Datasets = [.. MnistLike] }, true),
        new("high-reward", "only rounds expected to pay at least 1 token per update", new NodeConfig { MinReward = "1.000000" }, true),
        new("quick-test", "short updates for trying a setup: at most 20 batches, one epoch, one round at a time",
            new NodeConfig { MaxBatches = 20, Epochs = 1, MaxParallel = 1 }, true),
    ];

    /// <summary>Built-in presets, then the user's from <paramref name="config"/>.</summary>
    public static IReadOnlyList<NodePreset> All(NodeConfig config) =>
        [.. BuiltIn, .. (config.Presets ?? []).Select(p => new NodePreset(p.Key, "saved by you", p.Value, false))];

    /// <summary>The preset called <paramref name="name"/>, or null.</summary>
    public static NodePreset? Find(string name, NodeConfig config) => All(config).FirstOrDefault(p => p.Name == name);

    /// <summary>The preset called <paramref name="name"/>; an unknown name is bad usage listing the known ones.</summary>
    public static NodePreset Get(string name, NodeConfig config) =>
        Find(name, config) ?? throw new CliException(
            $"unknown preset '{name}'; presets: {string.Join(", ", All(config).Select(p => p.Name))} (swarm node config --preset list shows their settings)",
            SwarmApp.BadUsage);

    /// <summary>True for a name a user preset may have: lowercase letters, digits, '-' and '_', at most 40.</summary>
    public static bool IsPresetName(string name) => PresetName().IsMatch(name) && name != ListWord;

    /// <summary><paramref name="target"/> with every setting <paramref name="preset"/> holds laid over it.</summary>
    public static NodeConfig Apply(NodeConfig target, NodeConfig preset)
    {
        foreach (var key in NodeConfigKeys.All.Where(k => k.InPreset))
        {
            if (key.Get(preset) is { } value)
                target = key.With(target, value);
        }
        return target;
    }

    /// <summary>The settings of <paramref name="config"/> a preset may carry (not the key, coordinator, name or paths of this machine).</summary>
    public static NodeConfig Extract(NodeConfig config) => Apply(NodeConfig.Empty, config);

    /// <summary>True when <paramref name="settings"/> holds nothing a preset cannot carry.</summary>
    public static bool HoldsOnlyPresetSettings(NodeConfig settings) =>
        NodeConfigKeys.All.Where(k => !k.InPreset).All(k => k.Get(settings) is null)
        && settings is { Preset: null, Mappings: null, Paths: null, Presets: null };

    /// <summary>"datasets=fashion-mnist max_batches=20": the settings a preset holds, in key order.</summary>
    public static string Describe(NodeConfig settings)
    {
        var parts = NodeConfigKeys.All.Where(k => k.InPreset).Select(k => (k.Name, Value: k.Get(settings)))
            .Where(p => p.Value is not null).Select(p => $"{p.Name}={p.Value}").ToArray();
        return parts.Length == 0 ? "(no settings)" : string.Join(" ", parts);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,39}$")]
    private static partial Regex PresetName();
}
