using Spectre.Console;
using TrainSwarm.Cli.Commands.Node;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Cli.Tests.Node;

/// <summary>`swarm node start`'s settings: built-in defaults &lt; config file &lt; preset &lt; flags, the key's source, and the header.</summary>
public sealed class StartCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"swarm-node-start-{Guid.NewGuid():N}");

    public StartCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private static NodeSettings Merge(NodeConfig file, NodeStartFlags flags, Func<string, string?>? environment = null) =>
        NodeSettingsMerge.Merge(file, flags, environment ?? Environment(), "host-7", 4);

    // A config that sets every layer-able value, so each assertion below shows which layer won.
    private static readonly NodeConfig File = new()
    {
        Coordinator = "http://10.0.0.5:7070", Name = "rig", Datasets = ["mnist"], MinReward = "0.100000", MaxReward = "5.000000",
        MaxStake = "2.000000", Epochs = 2, MaxBatches = 50, MaxParallel = 3, AutoTrain = true, AutoClaim = false, Encoding = "int8",
        Threads = 3, PollMs = 900, DataDir = "/data",
        Mappings = new(StringComparer.Ordinal) { ["digits"] = "mnist" }, Paths = new(StringComparer.Ordinal) { ["mnist"] = "/data/mnist" },
    };

    [Fact]
    public void With_nothing_configured_every_setting_is_its_default()
    {
        var settings = Merge(NodeConfig.Empty, new NodeStartFlags());
        var o = settings.Options;
        Assert.Equal(new Uri("http://127.0.0.1:7070"), o.Coordinator);
        Assert.Equal(NodeSettingsMerge.DefaultKeyPath, o.KeyPath);
        Assert.Equal(("host-7", "fashion-mnist", (string?)null, false), (o.Name, string.Join(",", o.Datasets), o.DataDirectory, o.AllowDownload));
        Assert.Equal((1, "f32", (int?)4, TimeSpan.FromMilliseconds(500)), (o.MaxParallel, o.Encoding, o.Threads, o.PollInterval));
        Assert.Equal(((long?)null, (long?)null, (long?)null), (o.MinReward, o.MaxReward, o.MaxStake));
        Assert.Equal((1, (int?)null, true, true), (o.Epochs, o.MaxBatches, o.AutoTrain, o.AutoClaim));
        Assert.Empty(o.DatasetMappings);
        Assert.Empty(o.DatasetPaths);
        Assert.Null(settings.Preset);
        Assert.All(settings.Sources.Where(s => s.Key != "key"), s => Assert.Equal("default", s.Value));
        Assert.Equal(new NodeKeySource(NodeSettingsMerge.DefaultKeyPath, null, "default", true), settings.Key);
        o.Validate();
    }

    [Fact]
    public void The_config_file_overrides_the_defaults()
    {
        var o = Merge(File, new NodeStartFlags()).Options;
        Assert.Equal(new Uri("http://10.0.0.5:7070"), o.Coordinator);
        Assert.Equal(("rig", "mnist", "/data"), (o.Name, string.Join(",", o.Datasets), o.DataDirectory));
        Assert.Equal((3, "int8", (int?)3, TimeSpan.FromMilliseconds(900)), (o.MaxParallel, o.Encoding, o.Threads, o.PollInterval));
        Assert.Equal(((long?)100_000, (long?)5_000_000, (long?)2_000_000), (o.MinReward, o.MaxReward, o.MaxStake));
        Assert.Equal((2, (int?)50, true, false), (o.Epochs, o.MaxBatches, o.AutoTrain, o.AutoClaim));
        Assert.Equal("mnist", o.DatasetMappings["digits"]);
        Assert.Equal("/data/mnist", o.DatasetPaths["mnist"]);
        o.Validate();
    }

    [Fact]
    public void A_preset_overrides_the_config_only_where_it_has_a_value()
    {
        var settings = Merge(File, new NodeStartFlags { Preset = "quick-test" });
        var o = settings.Options;
        Assert.Equal("quick-test", settings.Preset);
        Assert.Equal((1, (int?)20, 1), (o.Epochs, o.MaxBatches, o.MaxParallel));          // the preset's
        Assert.Equal(("int8", (long?)100_000, "mnist"), (o.Encoding, o.MinReward, string.Join(",", o.Datasets))); // the file's
        Assert.Equal("preset quick-test", settings.Sources["max_batches"]);
        Assert.Equal("config", settings.Sources["encoding"]);

        var rich = Merge(File, new NodeStartFlags { Preset = "high-reward" }).Options;
        Assert.Equal(((long?)1_000_000, (long?)5_000_000), (rich.MinReward, rich.MaxReward));
        Assert.Equal(new[] { "fashion-mnist", "mnist", "kmnist", "emnist-balanced", "cifar-10", "cifar-100", "svhn" },
            Merge(File, new NodeStartFlags { Preset = "image-all" }).Options.Datasets.ToArray());
        Assert.Equal(new[] { "mnist", "fashion-mnist", "kmnist" },
            Merge(NodeConfig.Empty, new NodeStartFlags { Preset = "mnist-only" }).Options.Datasets.ToArray());
        Assert.Equal(new[] { "cifar-10", "cifar-100" }, Merge(NodeConfig.Empty, new NodeStartFlags { Preset = "cifar-only" }).Options.Datasets.ToArray());
        Assert.Equal(new[] { "fashion-mnist", "mnist", "kmnist", "emnist-balanced" },
            Merge(NodeConfig.Empty, new NodeStartFlags { Preset = "image-small" }).Options.Datasets.ToArray());
    }

    [Fact]
    public void Flags_override_the_preset_and_the_config()
    {
        var settings = Merge(File, new NodeStartFlags
        {
            Preset = "quick-test", Epochs = 5, MaxBatches = 7, MaxParallel = 2, Datasets = "fashion-mnist,mnist", Coordinator = "http://127.0.0.1:9",
            Name = "flagged", Encoding = "f32", Threads = 1, PollMs = 100, MinReward = 0, MaxReward = 3_000_000, MaxStake = 1, DataDir = "/other",
            NoAutoTrain = true, Download = true,
        });
        var o = settings.Options;
        Assert.Equal((5, (int?)7, 2), (o.Epochs, o.MaxBatches, o.MaxParallel));
        Assert.Equal(new[] { "fashion-mnist", "mnist" }, o.Datasets.ToArray());
        Assert.Equal((new Uri("http://127.0.0.1:9"), "flagged", "f32", (int?)1, TimeSpan.FromMilliseconds(100)), (o.Coordinator, o.Name, o.Encoding,
            o.Threads, o.PollInterval));
        Assert.Equal(((long?)0, (long?)3_000_000, (long?)1, "/other", true), (o.MinReward, o.MaxReward, o.MaxStake, o.DataDirectory, o.AllowDownload));
        Assert.Equal((false, false), (o.AutoTrain, o.AutoClaim)); // --no-auto-train from the flag, auto_claim false from the file
        Assert.Equal(("--epochs", "--no-auto-train", "config"), (settings.Sources["epochs"], settings.Sources["auto_train"], settings.Sources["auto_claim"]));
    }

    [Fact]
    public void A_saved_preset_in_the_config_is_a_layer_too()
    {
        var file = File with { Presets = new(StringComparer.Ordinal) { ["night"] = new NodeConfig { MaxParallel = 1, Threads = 2, MinReward = "0.500000" } } };
        var settings = Merge(file, new NodeStartFlags { Preset = "night", Threads = 1 });
        Assert.Equal((1, (int?)1, (long?)500_000, 2), (settings.Options.MaxParallel, settings.Options.Threads, settings.Options.MinReward,
            settings.Options.Epochs));
        Assert.Equal(("preset night", "--threads", "config"), (settings.Sources["max_parallel"], settings.Sources["threads"], settings.Sources["epochs"]));
    }

    [Fact]
    public void An_unknown_preset_is_bad_usage_listing_the_presets()
    {
        var error = Assert.Throws<CliException>(() => Merge(File, new NodeStartFlags { Preset = "turbo" }));
        Assert.Equal(2, error.ExitCode);
        Assert.Equal("unknown preset 'turbo'; presets: image-all, image-small, cifar-only, mnist-only, high-reward, quick-test "
            + "(swarm node config --preset list shows their settings)", error.Message);
    }

    [Fact]
    public void Reward_bounds_crossed_across_layers_name_where_each_came_from()
    {
        var error = Assert.Throws<CliException>(() => Merge(File, new NodeStartFlags { MaxReward = 50_000 }));
        Assert.Equal("the minimum reward 0.100000 (config) is above the maximum reward 0.050000 (--max-reward)", error.Message);
        error = Assert.Throws<CliException>(() => Merge(File with { MaxReward = "0.500000" }, new NodeStartFlags { Preset = "high-reward" }));
        Assert.Equal("the minimum reward 1.000000 (preset high-reward) is above the maximum reward 0.500000 (config)", error.Message);
    }

    [Fact]
    public void Max_batches_zero_in_the_config_means_no_cap()
    {
        Assert.Null(Merge(File with { MaxBatches = 0 }, new NodeStartFlags()).Options.MaxBatches);
    }

    [Fact]
    public void The_key_comes_from_the_flag_then_the_config_then_the_environment_then_the_default()
    {
        var pem = ("TRAINSWARM_PRIVATE_KEY", "-----BEGIN PRIVATE KEY-----...");
        var file = ("TRAINSWARM_KEY_FILE", "/keys/env.pem");
        var withKey = File with { KeyFile = "/keys/config.pem" };
        Assert.Equal(new NodeKeySource("/keys/flag.pem", null, "--key", true),
            Merge(withKey, new NodeStartFlags { Key = "/keys/flag.pem" }, Environment(pem, file)).Key);
        var fromConfig = Merge(withKey, new NodeStartFlags(), Environment(pem, file));
        Assert.Equal(new NodeKeySource("/keys/config.pem", null, "config key_file", false), fromConfig.Key);
        Assert.Equal("/keys/config.pem", fromConfig.Options.KeyPath);
        Assert.Equal(new NodeKeySource(null, pem.Item2, "$TRAINSWARM_PRIVATE_KEY", false), Merge(File, new NodeStartFlags(), Environment(pem, file)).Key);
        Assert.Equal(new NodeKeySource("/keys/env.pem", null, "$TRAINSWARM_KEY_FILE", false), Merge(File, new NodeStartFlags(), Environment(file)).Key);
        Assert.Equal(new NodeKeySource(NodeSettingsMerge.DefaultKeyPath, null, "default", true), Merge(File, new NodeStartFlags(), Environment()).Key);
    }

    [Fact]
    public void The_coordinator_comes_from_the_flag_then_the_environment_then_the_config()
    {
        var variable = ("TRAINSWARM_COORDINATOR", "http://10.9.9.9:7070");
        Assert.Equal("http://127.0.0.1:9/", Merge(File, new NodeStartFlags { Coordinator = "http://127.0.0.1:9" },
            Environment(variable)).Options.Coordinator.ToString());
        var fromEnvironment = Merge(File, new NodeStartFlags(), Environment(variable));
        Assert.Equal(("http://10.9.9.9:7070/", "$TRAINSWARM_COORDINATOR"), (fromEnvironment.Options.Coordinator.ToString(),
            fromEnvironment.Sources["coordinator"]));
        Assert.Equal("http://10.0.0.5:7070/", Merge(File, new NodeStartFlags()).Options.Coordinator.ToString());
    }

    [Fact]
    public void The_header_lists_every_setting_with_its_source()
    {
        var settings = Merge(File with { KeyFile = "/keys/node.pem" }, new NodeStartFlags { Preset = "quick-test", Epochs = 4 });
        var configPath = Path.Combine(_dir, "config.json");
        Assert.Equal(
        [
            "TrainSwarm node rig (config)",
            "  address      ts1abc",
            "  key          /keys/node.pem (config key_file)",
            "  coordinator  http://10.0.0.5:7070 (config)",
            $"  config       {configPath} (none yet: built-in defaults)",
            "  preset       quick-test",
            "  datasets     mnist (config)",
            "  mappings     digits -> mnist",
            "  paths        mnist = /data/mnist",
            "  reward       expected reward 0.100000 to 5.000000 tokens (config)",
            "  max stake    2.000000 tokens per round (config)",
            "  epochs       4 (--epochs)",
            "  max batches  20 (preset quick-test)",
            "  parallel     1 round(s) at once (preset quick-test)",
            "  auto-train   on (config)",
            "  auto-claim   off (payouts stay claimable) (config)",
            "  encoding     int8 (config)",
            "  threads      3 (config)",
            "  data         /data (config)",
            "Ctrl+C stops.",
        ], NodeStartHeader.Lines(settings, "ts1abc", configPath));
    }

    [Fact]
    public void The_header_warns_about_datasets_the_node_cannot_load()
    {
        // kmnist is a catalogue name (the node looks for its files at start); letters is no catalogue name and has no path.
        var settings = Merge(File with { Datasets = ["mnist", "digits", "kmnist", "letters", "fashion-mnist"] }, new NodeStartFlags());
        var lines = NodeStartHeader.Lines(settings, "ts1abc", "/none.json");
        Assert.Equal("  warning      this node cannot load letters: give each a directory (swarm node config --add-path NAME:/DIR) or a mapping", lines[^2]);
        Assert.DoesNotContain(NodeStartHeader.Lines(Merge(File, new NodeStartFlags()), "ts1abc", "/none.json"), l => l.StartsWith("  warning",
            StringComparison.Ordinal));
    }

    [Fact]
    public async Task Start_prints_the_merged_header_before_the_daemon_runs()
    {
        var configPath = Path.Combine(_dir, "config.json");
        var keyPath = Path.Combine(_dir, "node.pem");
        Assert.Equal(0, (await CliRunner.Run("node", "config", "--config", configPath, "--set", "epochs=3", "--set", "max_batches=9", "--set",
            "min_reward=0.25")).ExitCode);
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(writer),
        });
        // Already cancelled: the command prints its header, then the daemon stops at once (as after Ctrl+C).
        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();
        await SwarmApp.RunAsync(["node", "start", "--config", configPath, "--key", keyPath, "--coordinator", "http://127.0.0.1:9",
            "--preset", "quick-test", "--max-parallel", "2", "--threads", "1", "--name", "t1"], console, stopped.Token);
        using var key = ActorKey.Load(keyPath);
        var lines = writer.ToString().Split('\n').Select(l => l.TrimEnd()).ToList();
        var first = lines.IndexOf("TrainSwarm node t1 (--name)");
        Assert.True(first > 0, writer.ToString());
        Assert.Equal($"Created node key {keyPath}", lines[first - 1]);
        Assert.Equal(
        [
            $"  address      {key.Address}",
            $"  key          {keyPath} (--key)",
            "  coordinator  http://127.0.0.1:9 (--coordinator)",
            $"  config       {configPath}",
            "  preset       quick-test",
            "  datasets     fashion-mnist (default)",
            "  mappings     none",
            "  paths        none",
            "  reward       expected reward at least 0.250000 tokens (min config, max default)",
            "  max stake    any (default)",
            "  epochs       1 (preset quick-test)",
            "  max batches  20 (preset quick-test)",
            "  parallel     2 round(s) at once (--max-parallel)",
            "  auto-train   on (default)",
            "  auto-claim   on (default)",
            "  encoding     f32 (default)",
            "  threads      1 (--threads)",
            "  data         known install paths, then the cache (default)",
            "Ctrl+C stops.",
        ], lines.Skip(first + 1).Take(19));
    }

    [Fact]
    public async Task Start_with_a_preset_it_does_not_know_is_bad_usage()
    {
        var (code, output) = await CliRunner.Run("node", "start", "--config", Path.Combine(_dir, "none.json"), "--key", Path.Combine(_dir, "k.pem"),
            "--coordinator", "http://127.0.0.1:9", "--preset", "turbo");
        Assert.Equal(2, code);
        Assert.StartsWith("error: unknown preset 'turbo'; presets: image-all,", Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.False(System.IO.File.Exists(Path.Combine(_dir, "k.pem")));
    }

    [Fact]
    public async Task A_node_with_none_of_its_presets_datasets_here_stops_with_one_line()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_dir, "no-data")).FullName;
        var (code, output) = await CliRunner.Run("node", "start", "--config", Path.Combine(_dir, "none.json"), "--key", Path.Combine(_dir, "k.pem"),
            "--coordinator", "http://127.0.0.1:9", "--preset", "cifar-only", "--data-dir", empty);
        Assert.Equal(1, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("error: none of this node's datasets (cifar-10, cifar-100) is on this machine; fetch one with 'swarm dataset fetch cifar-10', "
            + "give its directory (--data-dir or a path) or start with --download", lines[^1]);
        Assert.Contains($"not serving cifar-10: dataset 'cifar-10': {empty} lacks cifar-10-binary.tar.gz", output, StringComparison.Ordinal);
    }
}
