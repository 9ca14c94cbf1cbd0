using TrainSwarm.Ledger;
using TrainSwarm.Node;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>What was typed on the `swarm node start` command line; null (or false) means "not given".</summary>
public sealed record NodeStartFlags
{
    public string? Coordinator { get; init; }
    public string? Key { get; init; }
    public string? Name { get; init; }
    public string? Datasets { get; init; }
    public string? DataDir { get; init; }
    public bool Download { get; init; }
    public int? MaxParallel { get; init; }
    public string? Encoding { get; init; }
    public int? Threads { get; init; }
    public int? PollMs { get; init; }
    public long? MinReward { get; init; }
    public long? MaxReward { get; init; }
    public long? MaxStake { get; init; }
    public int? Epochs { get; init; }
    public int? MaxBatches { get; init; }
    public bool NoAutoTrain { get; init; }
    public bool NoAutoClaim { get; init; }
    public string? Preset { get; init; }
}

/// <summary>
/// Where the node's key comes from: a file (<paramref name="Path"/>) or PEM text from the environment
/// (<paramref name="Pem"/>); <paramref name="Origin"/> says which rule chose it.
/// </summary>
public sealed record NodeKeySource(string? Path, string? Pem, string Origin, bool CreateWhenMissing);

/// <summary>
/// The daemon's options after merging, the key's source, the preset used, and for each setting where its value
/// came from ("default", "config", "preset NAME", "--flag", "$VARIABLE").
/// </summary>
public sealed record NodeSettings(NodeOptions Options, NodeKeySource Key, string? Preset, IReadOnlyDictionary<string, string> Sources);

/// <summary>
/// Merges `swarm node start`'s settings: built-in defaults &lt; config file &lt; preset &lt; command-line flags. Pure: the
/// environment is passed in and nothing is read from disk, so every rule can be tested without a daemon.
/// </summary>
public static class NodeSettingsMerge
{
    public const string CoordinatorVariable = "TRAINSWARM_COORDINATOR";
    public const string PrivateKeyVariable = "TRAINSWARM_PRIVATE_KEY";
    public const string KeyFileVariable = "TRAINSWARM_KEY_FILE";
    public const string DefaultCoordinator = "http://127.0.0.1:7070";

    /// <summary>~/.trainswarm/keys/node.pem.</summary>
    public static string DefaultKeyPath =>
        System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify),
            ".trainswarm", "keys", "node.pem");

    /// <summary>Merges the layers; a preset that does not exist, or crossed reward bounds, throw <see cref="CliException"/>.</summary>
    public static NodeSettings Merge(NodeConfig file, NodeStartFlags flags, Func<string, string?> environment, string defaultName, int defaultThreads)
    {
        var preset = flags.Preset is null ? null : NodePresets.Get(flags.Preset, file);
        var presetSource = preset is null ? "" : $"preset {preset.Name}";
        var layer = preset?.Settings ?? NodeConfig.Empty;
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);

        // The same rule (first of flag, preset, file, fallback) in two shapes, because T? is Nullable<T> only for structs.
        T? Struct<T>(string key, string flagName, T? flag, T? fromPreset, T? fromFile, T? fallback) where T : struct
        {
            sources[key] = flag.HasValue ? flagName : fromPreset.HasValue ? presetSource : fromFile.HasValue ? "config" : "default";
            return flag ?? fromPreset ?? fromFile ?? fallback;
        }

        T? Class<T>(string key, string flagName, T? flag, T? fromPreset, T? fromFile, T? fallback) where T : class
        {
            sources[key] = flag is not null ? flagName : fromPreset is not null ? presetSource : fromFile is not null ? "config" : "default";
            return flag ?? fromPreset ?? fromFile ?? fallback;
        }

        var environmentCoordinator = environment(CoordinatorVariable) is { Length: > 0 } url ? url : null;
        var coordinator = Class("coordinator", flags.Coordinator is not null ? "--coordinator" : "$" + CoordinatorVariable,
            flags.Coordinator ?? environmentCoordinator, null, file.Coordinator, DefaultCoordinator)!;
        var datasets = Class<IReadOnlyList<string>>("datasets", "--dataset",
            flags.Datasets is null ? null : NodeConfigKeys.SplitList(flags.Datasets), layer.Datasets, file.Datasets, ["fashion-mnist"])!;
        var minReward = Struct("min_reward", "--min-reward", flags.MinReward, Tokens(layer.MinReward), Tokens(file.MinReward), null);
        var maxReward = Struct("max_reward", "--max-reward", flags.MaxReward, Tokens(layer.MaxReward), Tokens(file.MaxReward), null);
        if (minReward > maxReward)
        {
            throw new CliException($"the minimum reward {Asset.Format(minReward.Value)} ({sources["min_reward"]}) is above the maximum reward " +
                                   $"{Asset.Format(maxReward!.Value)} ({sources["max_reward"]})");
        }
        var maxBatches = Struct("max_batches", "--max-batches", flags.MaxBatches, layer.MaxBatches, file.MaxBatches, 0)!.Value;
        var options = new NodeOptions
        {
            Coordinator = new Uri(coordinator),
            KeyPath = "",
            Name = Class("name", "--name", flags.Name, null, file.Name, defaultName)!,
            Datasets = datasets,
            DataDirectory = Class("data_dir", "--data-dir", flags.DataDir, null, file.DataDir, null),
            AllowDownload = flags.Download,
            MaxParallel = Struct("max_parallel", "--max-parallel", flags.MaxParallel, layer.MaxParallel, file.MaxParallel, 1)!.Value,
            Encoding = Class("encoding", "--encoding", flags.Encoding, layer.Encoding, file.Encoding, "f32")!,
            Threads = Struct("threads", "--threads", flags.Threads, layer.Threads, file.Threads, defaultThreads),
            PollInterval = TimeSpan.FromMilliseconds(Struct("poll_ms", "--poll-ms", flags.PollMs, layer.PollMs, file.PollMs, 500)!.Value),
            MinReward = minReward,
            MaxReward = maxReward,
            MaxStake = Struct("max_stake", "--max-stake", flags.MaxStake, Tokens(layer.MaxStake), Tokens(file.MaxStake), null),
            Epochs = Struct("epochs", "--epochs", flags.Epochs, layer.Epochs, file.Epochs, 1)!.Value,
            MaxBatches = maxBatches == 0 ? null : maxBatches,
            AutoTrain = Struct("auto_train", "--no-auto-train", flags.NoAutoTrain ? false : (bool?)null, layer.AutoTrain, file.AutoTrain, true)!.Value,
            AutoClaim = Struct("auto_claim", "--no-auto-claim", flags.NoAutoClaim ? false : (bool?)null, layer.AutoClaim, file.AutoClaim, true)!.Value,
            DatasetMappings = new Dictionary<string, string>(file.Mappings ?? [], StringComparer.Ordinal),
            DatasetPaths = new Dictionary<string, string>(file.Paths ?? [], StringComparer.Ordinal),
        };
        var key = KeySource(flags.Key, file.KeyFile, environment);
        sources["key"] = key.Origin;
        return new NodeSettings(key.Path is null ? options : options with { KeyPath = key.Path }, key, preset?.Name, sources);
    }

    /// <summary>
    /// The key, first rule that applies: --key; the config's key_file; $TRAINSWARM_PRIVATE_KEY (PEM text);
    /// $TRAINSWARM_KEY_FILE; ~/.trainswarm/keys/node.pem. Only --key and the default path are created when missing.
    /// </summary>
    public static NodeKeySource KeySource(string? flag, string? configured, Func<string, string?> environment)
    {
        if (flag is { Length: > 0 })
            return new(System.IO.Path.GetFullPath(NodeConfigKeys.ExpandHome(flag)), null, "--key", true);
        if (configured is { Length: > 0 })
            return new(configured, null, "config key_file", false);
        if (environment(PrivateKeyVariable) is { Length: > 0 } pem)
            return new(null, pem, "$" + PrivateKeyVariable, false);
        if (environment(KeyFileVariable) is { Length: > 0 } file)
            return new(System.IO.Path.GetFullPath(NodeConfigKeys.ExpandHome(file)), null, "$" + KeyFileVariable, false);
        return new(DefaultKeyPath, null, "default", true);
    }

    private static long? Tokens(string? text) => Asset.TryParse(text, out var units) ? units : null;
}
