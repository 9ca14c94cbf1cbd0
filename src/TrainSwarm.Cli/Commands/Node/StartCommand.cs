using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Learning.Training;
using TrainSwarm.Ledger;
using TrainSwarm.Node;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>
/// `swarm node start`: runs the trainer daemon in the foreground until Ctrl+C, with settings merged from built-in
/// defaults, the config file, a preset and the flags.
/// </summary>
internal static class StartCommand
{
    /// <summary>The `start` verb.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var config = NodeConfigStore.ConfigOption();
        var preset = new Option<string?>("--preset") { Description = "Lay a preset's settings over the config file for this run (swarm node config " +
            "--preset list shows them)", HelpName = "NAME" };
        var coordinator = new Option<string?>("--coordinator")
        {
            Description = $"Coordinator URL (default: ${CommandContext.CoordinatorVariable}, then the config's coordinator, then " +
                $"{CommandContext.DefaultCoordinator})", HelpName = "URL",
        };
        coordinator.Validators.Add(r =>
        {
            if (!CommandContext.IsHttpUrl(r.GetValueOrDefault<string?>()))
                r.AddError("--coordinator must be an http(s) URL such as " + CommandContext.DefaultCoordinator);
        });
        var keyPath = new Option<string?>("--key")
        {
            Description = $"Key file (PEM; created when missing). Without --key: the config's key_file, then ${NodeSettingsMerge.PrivateKeyVariable} " +
                          $"(the PEM text itself), then ${NodeSettingsMerge.KeyFileVariable} (a PEM file), then ~/.trainswarm/keys/node.pem (created " +
                              $"when missing)",
            HelpName = "PEM",
        };
        var name = new Option<string?>("--name") { Description = "Name shown on the dashboard (default: the config's name, then this machine's name)" };
        name.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is not { Length: > 0 and <= NodeConfigKeys.MaxNameLength } n || string.IsNullOrWhiteSpace(n))
                r.AddError($"--name must have 1 to {NodeConfigKeys.MaxNameLength} characters");
        });
        var datasets = new Option<string?>("--dataset") { Description = "Datasets to train on, comma separated (default: fashion-mnist)", HelpName = "LIST" };
        datasets.Validators.Add(r =>
        {
            if (NodeConfigKeys.SplitList(r.GetValueOrDefault<string?>()).Length == 0)
                r.AddError("--dataset must name at least one dataset");
        });
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory holding the datasets (one folder per name, or one dataset's files)" };
        var download = new Option<bool>("--download") { Description = "Download a missing dataset (SHA-256 checked) into the cache" };
        var maxParallel = Bounded("--max-parallel", "Rounds to train at the same time (default 1)", 1, 64);
        var encoding = new Option<string?>("--encoding") { Description = "Update encoding: f32 (exact, the default) or int8 (4x smaller)" };
        encoding.AcceptOnlyFromAmong([.. DeltaCodec.Encodings]);
        var threads = Bounded("--threads", "Compute threads (default: one per core)", 1, 1024);
        var pollMs = Bounded("--poll-ms", "Milliseconds between polls of the coordinator (default 500)", 10, 3_600_000);
        var minReward = RewardOption("--min-reward", "Join only rounds expected to pay at least TOKENS per update (up to 6 decimals)");
        var maxReward = RewardOption("--max-reward", "Join only rounds expected to pay at most TOKENS per update (up to 6 decimals)");
        var maxStake = RewardOption("--max-stake", "Join only rounds whose stake is at most TOKENS");
        var epochs = Bounded("--epochs", "Passes over the round's inner steps per update (default 1)", 1, 1000);
        var maxBatches = Bounded("--max-batches", "At most N batches per update, below the round's steps (default: no cap)", 1, 1_000_000);
        var noAutoTrain = new Option<bool>("--no-auto-train") { Description = "Join rounds but do not train them (train by hand with swarm round train)" };
        var device = DeviceOption.Create("auto trains image rounds (mlp, cnn with adam or sgd) on the GPU when the NVIDIA driver and a device " +
            "are found; other rounds train on the CPU");
        var uploadLimit = Bounded("--upload-limit", "Send at most N KiB a second to the coordinator (updates are the large uploads; default: no cap)",
            1, 10_000_000);
        var noAutoClaim = new Option<bool>("--no-auto-claim") { Description = "Leave payouts in the claimable balance instead of claiming them into " +
            "the wallet" };

        var command = new Command("start", "Start the node daemon in the foreground; Ctrl+C stops it (held rounds resume at the next start).\n" +
                                           "Settings: built-in defaults < config file (swarm node config) < --preset < flags.\n" +
                                           "Example: swarm node start --coordinator http://10.0.0.5:7070 --max-parallel 2 --encoding int8 --min-reward 0.05")
        {
            config, preset, coordinator, keyPath, name, datasets, dataDir, download, maxParallel, encoding, threads, pollMs,
            minReward, maxReward, maxStake, epochs, maxBatches, noAutoTrain, noAutoClaim, device, uploadLimit,
        };
        command.Validators.Add(r =>
        {
            if (Tokens(r.GetValue(minReward)) is { } min && Tokens(r.GetValue(maxReward)) is { } max && min > max)
                r.AddError($"--min-reward {Asset.Format(min)} is above --max-reward {Asset.Format(max)}");
        });
        command.SetAction(async (parse, cancellation) =>
        {
            var configPath = NodeConfigStore.Resolve(parse.GetValue(config), Environment.GetEnvironmentVariable);
            var file = NodeConfigStore.Load(configPath);
            var flags = new NodeStartFlags
            {
                Preset = parse.GetValue(preset),
                Coordinator = parse.GetValue(coordinator),
                Key = parse.GetValue(keyPath),
                Name = parse.GetValue(name),
                Datasets = parse.GetValue(datasets),
                DataDir = parse.GetValue(dataDir) is { } dir ? Path.GetFullPath(dir) : null,
                Download = parse.GetValue(download),
                MaxParallel = parse.GetValue(maxParallel),
                Encoding = parse.GetValue(encoding),
                Threads = parse.GetValue(threads),
                PollMs = parse.GetValue(pollMs),
                MinReward = Tokens(parse.GetValue(minReward)),
                MaxReward = Tokens(parse.GetValue(maxReward)),
                MaxStake = Tokens(parse.GetValue(maxStake)),
                Epochs = parse.GetValue(epochs),
                MaxBatches = parse.GetValue(maxBatches),
                NoAutoTrain = parse.GetValue(noAutoTrain),
                NoAutoClaim = parse.GetValue(noAutoClaim),
            };
            var settings = NodeSettingsMerge.Merge(file, flags, Environment.GetEnvironmentVariable, Environment.MachineName, Environment.ProcessorCount);
            var gpu = DeviceOption.Select(console, DeviceOption.Request(parse.GetValue(device))).Gpu;
            using var keyFile = NodeKeyFile.Open(settings.Key);
            var w = console.Profile.Out.Writer;
            if (keyFile.Created)
                w.WriteLine($"Created node key {keyFile.Path}");
            foreach (var line in NodeStartHeader.Lines(settings, keyFile.Address, configPath))
                w.WriteLine(line);
            var options = settings.Options with { KeyPath = keyFile.Path, Gpu = gpu, UploadBytesPerSecond = parse.GetValue(uploadLimit) * 1024L };
            var daemon = new NodeDaemon(options, new NodeConsoleObserver(console));
            using var telemetry = DaemonTelemetry.StartIfConfigured("trainswarm-node", NodeTelemetry.Name);
            try
            {
                // Returns normally once Ctrl+C (or SIGTERM) fired and every training task has stopped.
                await daemon.RunAsync(cancellation);
            }
            catch (SwarmApiException e)
            {
                throw new CliException($"the coordinator refused this node: {e.Message}");
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException)
            {
                throw new CliException(e.Message);
            }
            w.WriteLine("Node stopped.");
            return SwarmApp.Success;
        });
        return command;
    }

    // An optional whole number within [min, max]; absent means "not given", so the config and preset can decide.
    private static Option<int?> Bounded(string name, string description, int min, int max)
    {
        var option = new Option<int?>(name) { Description = description, HelpName = "N" };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } n && (n < min || n > max))
                r.AddError($"{name} must be from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        });
        return option;
    }

    // A token amount as typed (validated at parse time, so Tokens never sees a bad one).
    private static Option<string?> RewardOption(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = "TOKENS" };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && !Asset.TryParse(text, out _))
                r.AddError($"{name} must be a non-negative token amount with at most {Asset.Scale} decimals, e.g. 0.5 (got '{text}')");
        });
        return option;
    }

    private static long? Tokens(string? text) => text is not null && Asset.TryParse(text, out var units) ? units : null;
}
