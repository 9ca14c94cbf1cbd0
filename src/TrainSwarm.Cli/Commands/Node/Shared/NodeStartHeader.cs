using System.Globalization;
using TrainSwarm.Ledger;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>The block `swarm node start` prints before the daemon starts: every setting it runs with, and where each came from.</summary>
public static class NodeStartHeader
{
    /// <summary>The header's lines for a node with <paramref name="address"/> whose config file is <paramref name="configPath"/>.</summary>
    public static IReadOnlyList<string> Lines(NodeSettings settings, string address, string configPath)
    {
        var o = settings.Options;
        var s = settings.Sources;
        string Row(string label, string value, string? source = null) =>
            $"  {label,-12} {value}{(source is null ? "" : $" ({source})")}";
        var keyText = settings.Key.Path ?? "PEM text";
        return
        [
            $"TrainSwarm node {o.Name} ({s["name"]})",
            Row("address", address),
            Row("key", keyText, s["key"]),
            Row("coordinator", o.Coordinator.ToString().TrimEnd('/'), s["coordinator"]),
            Row("config", File.Exists(configPath) ? configPath : $"{configPath} (none yet: built-in defaults)"),
            Row("preset", settings.Preset ?? "none"),
            Row("datasets", string.Join(", ", o.Datasets), s["datasets"]),
            Row("mappings", o.DatasetMappings.Count == 0 ? "none" : string.Join(", ", o.DatasetMappings.OrderBy(m => m.Key, StringComparer.Ordinal)
                .Select(m => $"{m.Key} -> {m.Value}"))),
            Row("paths", o.DatasetPaths.Count == 0 ? "none" : string.Join(", ", o.DatasetPaths.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m =>
                $"{m.Key} = {m.Value}"))),
            Row("reward", RewardRange(o.MinReward, o.MaxReward), RewardSource(s)),
            Row("max stake", o.MaxStake is { } stake ? $"{Asset.Format(stake)} tokens per round" : "any", s["max_stake"]),
            Row("epochs", Number(o.Epochs), s["epochs"]),
            Row("max batches", o.MaxBatches is { } batches ? Number(batches) : "no cap", s["max_batches"]),
            Row("parallel", $"{Number(o.MaxParallel)} round(s) at once", s["max_parallel"]),
            Row("auto-train", o.AutoTrain ? "on" : "off (join only; train with swarm round train)", s["auto_train"]),
            Row("auto-claim", o.AutoClaim ? "on" : "off (payouts stay claimable)", s["auto_claim"]),
            Row("encoding", o.Encoding, s["encoding"]),
            Row("threads", Number(o.Threads ?? Environment.ProcessorCount), s["threads"]),
            Row("data", o.DataDirectory ?? "known install paths, then the cache", s["data_dir"]),
            .. Unloadable(o) is { Count: > 0 } missing
                ? [Row("warning", $"this node cannot load {string.Join(", ", missing)}: give each a directory (swarm node config --add-path " +
                    $"NAME:/DIR) or a mapping")]
                : Array.Empty<string>(),
            "Ctrl+C stops.",
        ];
    }

    // Served datasets that are neither built in, nor given a directory, nor mapped to one of those: rounds of them would fail.
    private static List<string> Unloadable(TrainSwarm.Node.NodeOptions o)
    {
        bool Loadable(string name) => DatasetCache.Loadable.Contains(name, StringComparer.Ordinal) || o.DatasetPaths.ContainsKey(name);
        return o.Datasets.Where(d => !Loadable(d) && !(o.DatasetMappings.TryGetValue(d, out var local) && Loadable(local))).ToList();
    }

    /// <summary>"any expected reward", "at least 0.500000 tokens", "0.500000 to 2.000000 tokens".</summary>
    public static string RewardRange(long? min, long? max) => (min, max) switch
    {
        (null, null) => "any expected reward",
        ({ } lo, null) => $"expected reward at least {Asset.Format(lo)} tokens",
        (null, { } hi) => $"expected reward at most {Asset.Format(hi)} tokens",
        ({ } lo, { } hi) => $"expected reward {Asset.Format(lo)} to {Asset.Format(hi)} tokens",
    };

    private static string RewardSource(IReadOnlyDictionary<string, string> s) =>
        s["min_reward"] == s["max_reward"] ? s["min_reward"] : $"min {s["min_reward"]}, max {s["max_reward"]}";

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);
}
