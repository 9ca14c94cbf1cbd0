using System.CommandLine;
using Spectre.Console;
using TrainSwarm.Client;
using TrainSwarm.Learning.Training;
using TrainSwarm.Ledger;
using TrainSwarm.Node;

namespace TrainSwarm.Cli.Commands;

/// <summary>`swarm node start`: runs the trainer daemon in the foreground, one line per event, until Ctrl+C; `swarm node status`: see <see cref="NodeStatusCommand"/>.</summary>
public static class NodeCommand
{
    /// <summary>The environment variable that names the coordinator when --coordinator is not given.</summary>
    public const string CoordinatorVariable = "TRAINSWARM_COORDINATOR";

    /// <summary>Where a local coordinator listens by default.</summary>
    public const string DefaultCoordinator = "http://127.0.0.1:7070";

    public static Command Create(IAnsiConsole console) => new("node", "Run a trainer node: earn tokens by training jobs' models on this machine.")
    {
        StartCommand(console),
        NodeStatusCommand.Create(console),
    };

    private static Command StartCommand(IAnsiConsole console)
    {
        var coordinator = new Option<string>("--coordinator")
        {
            Description = $"Coordinator URL (or set ${CoordinatorVariable})",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(CoordinatorVariable) is { Length: > 0 } url ? url : DefaultCoordinator,
        };
        coordinator.Validators.Add(r =>
        {
            if (!Uri.TryCreate(r.GetValueOrDefault<string>(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                r.AddError("--coordinator must be an http(s) URL such as " + DefaultCoordinator);
        });
        var keyPath = WalletCommand.KeyOption("node.pem", "created when missing");
        var name = new Option<string>("--name") { Description = "Name shown on the dashboard", DefaultValueFactory = _ => Environment.MachineName };
        name.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is not { Length: > 0 and <= 100 } n || string.IsNullOrWhiteSpace(n))
                r.AddError("--name must have 1 to 100 characters");
        });
        var datasets = new Option<string>("--dataset") { Description = "Datasets to train on, comma separated", DefaultValueFactory = _ => "fashion-mnist" };
        datasets.Validators.Add(r =>
        {
            if (SplitList(r.GetValueOrDefault<string>()).Length == 0)
                r.AddError("--dataset must name at least one dataset");
        });
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory holding the datasets (one folder per name, or one dataset's files)" };
        var download = new Option<bool>("--download") { Description = "Download a missing dataset (SHA-256 checked) into the cache" };
        var maxParallel = CommonOptions.Positive("--max-parallel", "Rounds to train at the same time", 1);
        var encoding = new Option<string>("--encoding") { Description = "Update encoding: f32 (exact) or int8 (4x smaller)", DefaultValueFactory = _ => "f32" };
        encoding.AcceptOnlyFromAmong([.. DeltaCodec.Encodings]);
        var threads = CommonOptions.Positive("--threads", "Compute threads", Environment.ProcessorCount);
        var pollMs = CommonOptions.Positive("--poll-ms", "Milliseconds between polls of the coordinator", 500);
        var minReward = RewardOption("--min-reward", "Join only rounds expected to pay at least TOKENS per update (up to 6 decimals)");
        var maxReward = RewardOption("--max-reward", "Join only rounds expected to pay at most TOKENS per update (up to 6 decimals)");
        var noAutoClaim = new Option<bool>("--no-auto-claim") { Description = "Leave payouts in the claimable balance instead of claiming them into the wallet" };

        var command = new Command("start", "Start the node daemon in the foreground; Ctrl+C stops it (held rounds resume at the next start).\n" +
                                           "Example: swarm node start --coordinator http://10.0.0.5:7070 --max-parallel 2 --encoding int8 --min-reward 0.05")
        {
            coordinator, keyPath, name, datasets, dataDir, download, maxParallel, encoding, threads, pollMs, minReward, maxReward, noAutoClaim,
        };
        command.Validators.Add(r =>
        {
            if (Tokens(r.GetValue(minReward)) is { } min && Tokens(r.GetValue(maxReward)) is { } max && min > max)
                r.AddError($"--min-reward {Asset.Format(min)} is above --max-reward {Asset.Format(max)}");
        });
        command.SetAction(async (parse, cancellation) =>
        {
            var path = Path.GetFullPath(parse.GetValue(keyPath)!);
            using (var key = WalletCommand.LoadOrCreate(path, out var created))
            {
                if (created)
                    console.Profile.Out.Writer.WriteLine($"Created node key {path}");
                console.Profile.Out.Writer.WriteLine($"Node {key.Address} ({parse.GetValue(name)}) → {parse.GetValue(coordinator)}; " +
                    $"datasets {string.Join(", ", SplitList(parse.GetValue(datasets)))}; {parse.GetValue(threads)} thread(s); " +
                    $"up to {parse.GetValue(maxParallel)} round(s) at once; {parse.GetValue(encoding)} updates; " +
                    $"{RewardRange(Tokens(parse.GetValue(minReward)), Tokens(parse.GetValue(maxReward)))}; " +
                    $"{(parse.GetValue(noAutoClaim) ? "payouts left claimable (--no-auto-claim)" : "payouts claimed automatically")}. Ctrl+C stops.");
            }
            var options = new NodeOptions
            {
                Coordinator = new Uri(parse.GetValue(coordinator)!),
                KeyPath = path,
                Name = parse.GetValue(name)!,
                Datasets = SplitList(parse.GetValue(datasets)),
                DataDirectory = parse.GetValue(dataDir),
                AllowDownload = parse.GetValue(download),
                MaxParallel = parse.GetValue(maxParallel),
                Encoding = parse.GetValue(encoding)!,
                Threads = parse.GetValue(threads),
                PollInterval = TimeSpan.FromMilliseconds(parse.GetValue(pollMs)),
                MinReward = Tokens(parse.GetValue(minReward)),
                MaxReward = Tokens(parse.GetValue(maxReward)),
                AutoClaim = !parse.GetValue(noAutoClaim),
            };
            var daemon = new NodeDaemon(options, new NodeConsoleObserver(console));
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
            console.Profile.Out.Writer.WriteLine("Node stopped.");
            return SwarmApp.Success;
        });
        return command;
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

    private static string RewardRange(long? min, long? max) => (min, max) switch
    {
        (null, null) => "any expected reward",
        ({ } lo, null) => $"expected reward at least {Asset.Format(lo)}",
        (null, { } hi) => $"expected reward at most {Asset.Format(hi)}",
        ({ } lo, { } hi) => $"expected reward {Asset.Format(lo)} to {Asset.Format(hi)}",
    };

    private static string[] SplitList(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal).ToArray();
}
