using System.Net;
using System.Net.Sockets;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Identity;

namespace TrainSwarm.Cli.Devnet;

/// <summary>What a devnet runs: how many nodes, where its files live, where the dataset is.</summary>
public sealed record DevnetOptions
{
    /// <summary>Folder for keys, logs, the coordinator's database and blobs, and the final model.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Trainer nodes to start.</summary>
    public int Nodes { get; init; } = 3;

    /// <summary>Folder holding Fashion-MNIST (null: the nodes search the usual places).</summary>
    public string? DatasetDirectory { get; init; }

    /// <summary>More arguments for every node the devnet starts (e.g. `--dataset fashion-mnist,uploaded`).</summary>
    public IReadOnlyList<string> NodeArgs { get; init; } = [];

    /// <summary>Engine threads per node (the nodes share the machine); the validator gets every core, as the nodes wait while it works.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>`--device` for every node and validator (auto|cpu|cuda[:N]); null leaves them at their default, auto.</summary>
    public string? Device { get; init; }

    /// <summary>Update encoding the nodes upload: f32 or int8.</summary>
    public string Encoding { get; init; } = "f32";

    /// <summary>Port for the coordinator (0: a free one).</summary>
    public int Port { get; init; }

    /// <summary>Validator processes to start (each with its own key, all trusted by the coordinator).</summary>
    public int Validators { get; init; } = 1;

    /// <summary>
    /// Validators (by number, from 1) that run another program than this `swarm`: a .NET assembly taking the arguments of
    /// `swarm validator start`. Tests use it to run a validator that misbehaves; the product never does.
    /// </summary>
    public IReadOnlyDictionary<int, string> ValidatorPrograms { get; init; } = new Dictionary<int, string>();

    /// <summary>Cores the nodes run on (`taskset -c` list, e.g. "0"); null: any. The benchmarks keep nodes and services apart with it.</summary>
    public string? NodeCpus { get; init; }

    /// <summary>Cores the coordinator and the validators run on (`taskset -c` list); null: any.</summary>
    public string? ServiceCpus { get; init; }
}

/// <summary>
/// A whole network on this machine: a coordinator, one or more validators and N nodes, each a separate OS process on 127.0.0.1,
/// plus a creator key. Disposing stops them all.
/// </summary>
public sealed class Devnet : IAsyncDisposable
{
    private readonly List<SwarmProcess> _nodes = [];
    private readonly List<SwarmProcess> _validators = [];
    private readonly DevnetOptions _options;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(5) };

    private Devnet(DevnetOptions options, int port)
    {
        _options = options;
        Url = new Uri($"http://127.0.0.1:{port}");
        Directory.CreateDirectory(options.DataDirectory);
        Creator = LoadOrCreateKey("creator");
        var addresses = new List<string>();
        for (var i = 1; i <= Math.Max(1, options.Validators); i++)
        {
            using var validator = LoadOrCreateKey(ValidatorName(i));
            addresses.Add(validator.Address);
        }
        ValidatorAddresses = addresses;
    }

    // The first validator keeps the name it had when a devnet had one, so its key and log stay where they were.
    private static string ValidatorName(int number) => number == 1 ? "validator" : $"validator-{number}";

    /// <summary>The coordinator's address.</summary>
    public Uri Url { get; }

    /// <summary>The creator's key (the devnet's job submitter).</summary>
    public ActorKey Creator { get; }

    /// <summary>The first validator's address.</summary>
    public string ValidatorAddress => ValidatorAddresses[0];

    /// <summary>Every validator's address, by number (the only ones the coordinator trusts).</summary>
    public IReadOnlyList<string> ValidatorAddresses { get; }

    /// <summary>The validator processes, by number.</summary>
    public IReadOnlyList<SwarmProcess> Validators => _validators;

    /// <summary>The coordinator process.</summary>
    public SwarmProcess? Coordinator { get; private set; }

    /// <summary>The first validator process.</summary>
    public SwarmProcess? Validator => _validators.FirstOrDefault();

    /// <summary>The node processes, in start order.</summary>
    public IReadOnlyList<SwarmProcess> Nodes => _nodes;

    /// <summary>Where everything is kept.</summary>
    public string DataDirectory => _options.DataDirectory;

    /// <summary>Starts the coordinator, the validator and the nodes, and waits until every node has registered.</summary>
    public static async Task<Devnet> StartAsync(DevnetOptions options, CancellationToken cancellation)
    {
        var devnet = new Devnet(options, options.Port != 0 ? options.Port : FreePort());
        try
        {
            await devnet.StartCoordinatorAsync(cancellation);
            for (var i = 1; i <= devnet.ValidatorAddresses.Count; i++)
            {
                var name = ValidatorName(i);
                devnet._validators.Add(SwarmProcess.Start(name, devnet.DaemonArgs("validator", devnet.KeyPath(name)), devnet.LogPath(name),
                    program: options.ValidatorPrograms.GetValueOrDefault(i), cpus: options.ServiceCpus));
            }
            await devnet.FundAsync(devnet.Creator, "creator", CreatorFunds, cancellation);
            for (var i = 1; i <= options.Nodes; i++)
            {
                using (var key = devnet.LoadOrCreateKey($"node-{i}"))
                    await devnet.FundAsync(key, "node", NodeFunds, cancellation);
                devnet.StartNode(i, [.. options.NodeArgs]);
            }
            await devnet.WaitForNodesAsync(options.Nodes, cancellation);
            return devnet;
        }
        catch
        {
            await devnet.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client signing as the creator.</summary>
    public SwarmClient CreatorClient() => new(Url, Creator, _http);

    /// <summary>Starts (or restarts) the coordinator on the same data folder and port, and waits until it answers.</summary>
    public async Task StartCoordinatorAsync(CancellationToken cancellation)
    {
        Coordinator = SwarmProcess.Start("coordinator",
            ["coordinator", "run", "--devnet", "--url", Url.ToString().TrimEnd('/'), "--data-dir", Path.Combine(DataDirectory, "coordinator"),
                .. ValidatorAddresses.SelectMany(a => new[] { "--validator", a })],
            LogPath("coordinator"), cpus: _options.ServiceCpus);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (Coordinator.HasExited)
                throw new InvalidOperationException($"the coordinator exited with code {Coordinator.ExitCode}; see " +
                    $"{Coordinator.LogPath}:\n{Tail(Coordinator.ReadLog())}");
            try
            {
                using var response = await _http.GetAsync(new Uri(Url, "/health"), cancellation);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the coordinator did not answer within 60 s; see {Coordinator.LogPath}");
            await Task.Delay(100, cancellation);
        }
    }

    /// <summary>Starts node <paramref name="number"/> (its key, name and log are fixed by the number, so a restart is the same node).</summary>
    public SwarmProcess StartNode(int number, params string[] extraArgs)
    {
        var name = $"node-{number}";
        // A config file of its own (never written, so built-in defaults): the operator's ~/.trainswarm/config.json must not steer devnet nodes.
        var config = Path.ChangeExtension(KeyPath(name), ".config.json");
        var process = SwarmProcess.Start(name, [.. DaemonArgs("node", KeyPath(name)), "--name", name, "--encoding", _options.Encoding, "--config", config,
            .. extraArgs], LogPath(name), cpus: _options.NodeCpus);
        var index = _nodes.FindIndex(n => n.Name == name);
        if (index >= 0)
            _nodes[index] = process;
        else
            _nodes.Add(process);
        return process;
    }

    private string[] DaemonArgs(string role, string keyPath)
    {
        // Validators share the cores among themselves; they work while the nodes wait.
        var threads = role == "validator" ? Math.Max(1, Environment.ProcessorCount / ValidatorAddresses.Count) : _options.Threads;
        var args = new List<string> { role, "start", "--coordinator", Url.ToString().TrimEnd('/'), "--key", keyPath, "--threads",
            threads.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (_options.DatasetDirectory is not null)
            args.AddRange(["--data-dir", _options.DatasetDirectory]);
        if (_options.Device is not null)
            args.AddRange(["--device", _options.Device]);
        return [.. args];
    }

    /// <summary>Micro-tokens the faucet gives the devnet's creator: 1,000 tokens, plenty for any demo job's escrow.</summary>
    public const long CreatorFunds = 1_000_000_000;

    /// <summary>Micro-tokens each devnet node starts with: 10 tokens, enough for its round stakes.</summary>
    public const long NodeFunds = 10_000_000;

    /// <summary>Registers <paramref name="key"/> under <paramref name="role"/> and mints <paramref name="amount"/> micro-tokens into its wallet (a devnet
    /// has a faucet).</summary>
    public async Task FundAsync(ActorKey key, string role, long amount, CancellationToken cancellation)
    {
        using var client = new SwarmClient(Url, key, _http);
        await client.RegisterActorAsync(role, cancellation);
        await client.FaucetAsync(amount, cancellation);
    }

    private async Task WaitForNodesAsync(int count, CancellationToken cancellation)
    {
        using var client = new SwarmClient(Url, http: _http);
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while ((await client.NodesAsync(cancellation)).Count < count)
        {
            foreach (var p in _nodes.Concat(_validators).Where(p => p.HasExited))
                throw new InvalidOperationException($"{p.Name} exited with code {p.ExitCode}; see {p.LogPath}:\n{Tail(p.ReadLog())}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"only some of the {count} nodes registered within 120 s; see the logs in {Path.Combine(DataDirectory, "logs")}");
            await Task.Delay(200, cancellation);
        }
    }

    private ActorKey LoadOrCreateKey(string name)
    {
        var path = KeyPath(name);
        if (File.Exists(path))
            return ActorKey.Load(path);
        var key = ActorKey.Generate();
        key.Save(path);
        return key;
    }

    private string KeyPath(string name) => Path.Combine(DataDirectory, "keys", name + ".pem");

    /// <summary>The log file of a process by name.</summary>
    public string LogPath(string name) => Path.Combine(DataDirectory, "logs", name + ".log");

    private static string Tail(string log) => string.Join('\n', log.Split('\n').TakeLast(15));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Stops every process: nodes and validator first (Ctrl+C, then SIGKILL after 5 s), the coordinator last.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_nodes.Concat(_validators).Select(p => p.StopAsync(TimeSpan.FromSeconds(5))));
        if (Coordinator is not null)
            await Coordinator.StopAsync(TimeSpan.FromSeconds(5));
        foreach (var p in _nodes.Concat(_validators).Append(Coordinator).OfType<SwarmProcess>())
            p.Dispose();
        Creator.Dispose();
        _http.Dispose();
    }
}
