using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using TrainSwarm.Ledger;
using TrainSwarm.Node;

namespace TrainSwarm.Cli.Commands.Node;

/// <summary>
/// `swarm node setup`: a wizard that gives the node a key (new, existing, imported from a PEM file or the
/// environment), picks the coordinator, datasets, reward bounds and stake limit, measures this machine, and writes the
/// config file. Every question has a flag; with --yes nothing is asked.
/// </summary>
public static class SetupCommand
{
    /// <summary>Builds the `node setup` command with <paramref name="context"/>.</summary>
    public static Command Create(CommandContext context)
    {
        var console = context.Console;
        var config = NodeConfigStore.ConfigOption();
        var yes = new Option<bool>("--yes", "-y") { Description = "Ask nothing: every answer comes from the flags, then the environment, the current " +
            "config, the defaults" };
        var keyPath = new Option<string?>("--key") { Description = "Where the node key is kept (default: the config's key_file, else " +
            "~/.trainswarm/keys/node.pem)", HelpName = "PEM" };
        var newKey = new Option<bool>("--new-key") { Description = "Create a new key at the key path (refused when a key is already there)" };
        var importKey = new Option<string?>("--import-key") { Description = "Import this PEM file as the node key (copied to the key path)",
            HelpName = "PEM" };
        var coordinator = new Option<string?>("--coordinator") { Description = $"Coordinator URL (default: ${NodeSettingsMerge.CoordinatorVariable}, " +
            $"the config's, then {NodeSettingsMerge.DefaultCoordinator})", HelpName = "URL" };
        coordinator.Validators.Add(r => Check(r, "coordinator"));
        var datasets = new Option<string?>("--dataset") { Description = "Datasets to accept, comma separated (default: the config's, else " +
            "fashion-mnist)", HelpName = "LIST" };
        datasets.Validators.Add(r => Check(r, "datasets"));
        var minReward = TokensOption("--min-reward", "Join only rounds expected to pay at least TOKENS per update ('none': no minimum)");
        var maxReward = TokensOption("--max-reward", "Join only rounds expected to pay at most TOKENS per update ('none': no maximum)");
        var maxStake = TokensOption("--max-stake", "Join only rounds whose stake is at most TOKENS ('none': any)");
        var name = new Option<string?>("--name") { Description = "Name shown on the dashboard (default: this machine's name)" };
        name.Validators.Add(r => Check(r, "name"));
        var skipBenchmark = new Option<bool>("--skip-benchmark") { Description = "Do not measure this machine" };
        var benchmarkSeconds = new Option<int>("--benchmark-seconds") { Description = "How long the benchmark trains", DefaultValueFactory = _ => 1,
            HelpName = "N" };
        benchmarkSeconds.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > 60)
                r.AddError("--benchmark-seconds must be from 1 to 60");
        });

        var command = new Command("setup", "Set up this machine as a node: key, coordinator, datasets, reward bounds, stake limit, a short benchmark; " +
            "writes the config file.\n" +
            $"The key, unless --new-key or --import-key: ${NodeSettingsMerge.PrivateKeyVariable} (PEM text), then " +
                $"${NodeSettingsMerge.KeyFileVariable} (a PEM file), " +
            "then the key already at the key path, else a new one.\n" +
            "Example: swarm node setup --yes --coordinator http://10.0.0.5:7070 --dataset fashion-mnist --min-reward 0.01")
        {
            config, yes, keyPath, newKey, importKey, coordinator, datasets, minReward, maxReward, maxStake, name, skipBenchmark, benchmarkSeconds,
        };
        command.Validators.Add(r =>
        {
            if (r.GetValue(newKey) && r.GetValue(importKey) is not null)
                r.AddError("--new-key and --import-key exclude each other");
        });
        command.SetAction(parse =>
        {
            var environment = (Func<string, string?>)Environment.GetEnvironmentVariable;
            var path = NodeConfigStore.Resolve(parse.GetValue(config), environment);
            var current = NodeConfigStore.Load(path);
            var unattended = parse.GetValue(yes);
            if (!unattended && !console.Profile.Capabilities.Interactive)
                throw new CliException("there is no terminal to ask in; run swarm node setup --yes with flags (see --help)", SwarmApp.BadUsage);
            var prompts = new NodeSetupPrompts(console);
            var w = console.Profile.Out.Writer;
            if (!unattended)
                w.WriteLine($"Setting up this machine as a TrainSwarm node; the answers go to {path}.");

            var keyFile = Path.GetFullPath(NodeConfigKeys.ExpandHome(parse.GetValue(keyPath) ?? current.KeyFile ?? NodeSettingsMerge.DefaultKeyPath));
            var import = parse.GetValue(importKey);
            var choice = unattended || parse.GetValue(newKey) || import is not null
                ? NodeSetupKey.Default(parse.GetValue(newKey), import, keyFile, environment)
                : prompts.AskKeyChoice(keyFile, environment);
            if (choice == KeyChoice.ImportFile && import is null)
                import = prompts.AskImportFile();
            using var key = NodeSetupKey.Prepare(choice, keyFile, import, environment);

            string Answer(string? flag, string current, Func<string, string> ask) => flag ?? (unattended ? current : ask(current));
            var coordinatorUrl = Answer(parse.GetValue(coordinator),
                environment(NodeSettingsMerge.CoordinatorVariable) is { Length: > 0 } fromEnvironment ? fromEnvironment : current.Coordinator
                    ?? NodeSettingsMerge.DefaultCoordinator,
                prompts.AskCoordinator);
            var datasetList = Answer(parse.GetValue(datasets), string.Join(",", current.Datasets ?? ["fashion-mnist"]), d => prompts.AskDatasets(d, current));
            var min = Answer(parse.GetValue(minReward), current.MinReward ?? NodeSetupPrompts.None, m =>
                prompts.AskTokens(NodeSetupPrompts.MinRewardQuestion, m));
            var max = Answer(parse.GetValue(maxReward), current.MaxReward ?? NodeSetupPrompts.None,
                m => prompts.AskTokens(NodeSetupPrompts.MaxRewardQuestion, m, Asset.TryParse(min, out var lowest) ? lowest : null));
            var stake = Answer(parse.GetValue(maxStake), current.MaxStake ?? NodeSetupPrompts.None, s =>
                prompts.AskTokens(NodeSetupPrompts.MaxStakeQuestion, s));

            var next = current with
            {
                KeyFile = key.Path,
                Coordinator = Canonical("coordinator", coordinatorUrl),
                Datasets = NodeConfigKeys.SplitList(Canonical("datasets", datasetList)),
                MinReward = Tokens(min),
                MaxReward = Tokens(max),
                MaxStake = Tokens(stake),
                Name = parse.GetValue(name) is { } n ? Canonical("name", n) : current.Name,
            };
            if (NodeConfigValidation.FirstProblem(next) is { } problem)
                throw new CliException($"nothing was written: {problem.Message}");

            var benchmark = parse.GetValue(skipBenchmark) ? "skipped (--skip-benchmark)" : Measure(w, parse.GetValue(benchmarkSeconds));
            foreach (var line in Summary(next, key, benchmark))
                w.WriteLine(line);
            if (!unattended && !prompts.Confirm(path))
                throw new CliException("setup cancelled; nothing was written");

            key.Commit();
            NodeConfigStore.Save(path, next);
            w.WriteLine($"Wrote {path}");
            var configFlag = path == NodeConfigStore.Resolve(null, environment) ? "" : $" --config {path}";
            w.WriteLine($"On a devnet, fund the node first: swarm wallet faucet --role node --key {key.Path} --coordinator {next.Coordinator}");
            w.WriteLine($"Next: swarm node start{configFlag}");
            return SwarmApp.Success;
        });
        return command;
    }

    /// <summary>What setup will write, for a last look before it does.</summary>
    private static IEnumerable<string> Summary(NodeConfig next, NodeSetupKey key, string benchmark)
    {
        static long? Units(string? text) => Asset.TryParse(text, out var units) ? units : null;
        yield return "Node setup:";
        yield return $"  key          {key.Path} ({key.Origin})";
        yield return $"  address      {key.Key.Address}";
        yield return $"  coordinator  {next.Coordinator}";
        yield return $"  datasets     {string.Join(", ", next.Datasets!)}";
        yield return $"  reward       {NodeStartHeader.RewardRange(Units(next.MinReward), Units(next.MaxReward))}";
        yield return $"  max stake    {(next.MaxStake is { } s ? s + " tokens per round" : "any")}";
        yield return $"  benchmark    {benchmark}";
    }

    // The same benchmark the daemon runs when it registers, so the figure here is the one the coordinator will see.
    private static string Measure(TextWriter w, int seconds)
    {
        w.WriteLine($"Measuring this machine ({seconds.ToString(CultureInfo.InvariantCulture)} s)...");
        var hardware = MachineProbe.Hardware();
        var result = MachineProbe.Measure(TimeSpan.FromSeconds(seconds));
        return string.Create(CultureInfo.InvariantCulture,
            $"{result.SamplesPerSecond:N0} samples/s training {result.Model}; {hardware.Cores} cores, {hardware.Cpu}, {hardware.MemoryBytes / (1 << 20)} MiB");
    }

    private static string? Tokens(string text) => text == NodeSetupPrompts.None ? null : Asset.TryParse(text, out var units)
        ? Asset.Format(units) : throw new CliException($"'{text}' is not a token amount");

    private static string Canonical(string keyName, string text)
    {
        var key = NodeConfigKeys.Find(keyName)!;
        var (value, error) = key.Parse(text.Trim());
        return value ?? throw new CliException($"invalid {keyName}: {error}; accepted: {key.Accepted}", SwarmApp.BadUsage);
    }

    private static void Check(System.CommandLine.Parsing.OptionResult r, string keyName)
    {
        var key = NodeConfigKeys.Find(keyName)!;
        if (r.GetValueOrDefault<string?>() is { } text && key.Parse(text.Trim()).Error is { } error)
            r.AddError($"--{(keyName == "datasets" ? "dataset" : keyName)}: {error}; accepted: {key.Accepted}");
    }

    private static Option<string?> TokensOption(string name, string description)
    {
        var option = new Option<string?>(name) { Description = description, HelpName = "TOKENS" };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string?>() is { } text && text != NodeSetupPrompts.None && !Asset.TryParse(text, out _))
                r.AddError($"{name} must be a token amount with at most {Asset.Scale} decimals, e.g. 0.5, or {NodeSetupPrompts.None} (got '{text}')");
        });
        return option;
    }
}
