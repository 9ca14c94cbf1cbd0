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

    /// <summary>Port for the coordinator (0: a free one); with several replicas, the first one's.</summary>
    public int Port { get; init; }

    /// <summary>A PostgreSQL connection string for the coordinator's state; null keeps it in SQLite (one replica only).</summary>
    public string? Database { get; init; }

    /// <summary>Coordinator replicas on <see cref="Database"/>, each on its own port; nodes and validators are spread over them.</summary>
    public int Replicas { get; init; } = 1;

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
    private readonly SwarmProcess?[] _coordinators;
    private readonly DevnetOptions _options;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromMinutes(5) };

    private Devnet(DevnetOptions options, int port)
    {
        if (options.Replicas > 1 && options.Database is null)
            throw new ArgumentException("several coordinator replicas need a shared PostgreSQL database", nameof(options));
        _options = options;
        Urls = [new Uri($"http://127.0.0.1:{port}"),
            .. Enumerable.Range(1, Math.Max(1, options.Replicas) - 1).Select(_ => new Uri($"http://127.0.0.1:{FreePort()}"))];
        _coordinators = new SwarmProcess?[Urls.Count];
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

    /// <summary>The (first) coordinator's address.</summary>
    public Uri Url => Urls[0];

    /// <summary>Every coordinator replica's address, by replica number from 0 (one unless <see cref="DevnetOptions.Replicas"/>).</summary>
    public IReadOnlyList<Uri> Urls { get; }

    /// <summary>The replica node <paramref name="number"/> talks to: they take turns, node 1 on the second replica when there are two.</summary>
    public int ReplicaOfNode(int number) => number % Urls.Count;

    /// <summary>The replica validator <paramref name="number"/> talks to (the same rule as nodes').</summary>
    public int ReplicaOfValidator(int number) => number % Urls.Count;

    /// <summary>A replica's name: its log file and what its <c>/health/ready</c> calls it.</summary>
    public static string ReplicaName(int replica) => replica == 0 ? "coordinator" : $"coordinator-{replica + 1}";

    /// <summary>The creator's key (the devnet's job submitter).</summary>
    public ActorKey Creator { get; }

    /// <summary>The first validator's address.</summary>
    public string ValidatorAddress => ValidatorAddresses[0];

    /// <summary>Every validator's address, by number (the only ones the coordinator trusts).</summary>
    public IReadOnlyList<string> ValidatorAddresses { get; }

    /// <summary>The validator processes, by number.</summary>
    public IReadOnlyList<SwarmProcess> Validators => _validators;

    /// <summary>The (first) coordinator process.</summary>
    public SwarmProcess? Coordinator => _coordinators[0];

    /// <summary>The coordinator replica processes, by replica number (null: not started).</summary>
    public IReadOnlyList<SwarmProcess?> Coordinators => _coordinators;

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
                devnet._validators.Add(SwarmProcess.Start(name, devnet.DaemonArgs("validator", devnet.KeyPath(name), devnet.ReplicaOfValidator(i)),
                    devnet.LogPath(name),
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

    /// <summary>Starts (or restarts) every coordinator replica, one after the other, each waited for until it answers.</summary>
    public async Task StartCoordinatorAsync(CancellationToken cancellation)
    {
        for (var replica = 0; replica < Urls.Count; replica++)
            await StartReplicaAsync(replica, cancellation);
    }

    /// <summary>
    /// Starts (or restarts) replica <paramref name="replica"/> on its port and waits until it answers. Replicas share the data folder:
    /// the coordinator's key (every replica signs the ledger as the same coordinator) and the blob store.
    /// </summary>
    public async Task StartReplicaAsync(int replica, CancellationToken cancellation)
    {
        var name = ReplicaName(replica);
        var url = Urls[replica];
        string[] database = _options.Database is null ? [] : ["--database", _options.Database, "--replica", name];
        var coordinator = _coordinators[replica] = SwarmProcess.Start(name,
            ["coordinator", "run", "--devnet", "--url", url.ToString().TrimEnd('/'), "--data-dir", Path.Combine(DataDirectory, "coordinator"),
                .. database, .. ValidatorAddresses.SelectMany(a => new[] { "--validator", a })],
            LogPath(name), cpus: _options.ServiceCpus);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (coordinator.HasExited)
                throw new InvalidOperationException($"the coordinator {name} exited with code {coordinator.ExitCode}; see " +
                    $"{coordinator.LogPath}:\n{Tail(coordinator.ReadLog())}");
            try
            {
                using var response = await _http.GetAsync(new Uri(url, "/health"), cancellation);
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
            }
            catch (HttpRequestException)
            {
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"the coordinator {name} did not answer within 60 s; see {coordinator.LogPath}");
            await Task.Delay(100, cancellation);
        }
    }

    /// <summary>Starts node <paramref name="number"/> (its key, name and log are fixed by the number, so a restart is the same node).</summary>
    public SwarmProcess StartNode(int number, params string[] extraArgs)
    {
        var name = $"node-{number}";
        // A config file of its own (never written, so built-in defaults): the operator's ~/.trainswarm/config.json must not steer devnet nodes.
        var config = Path.ChangeExtension(KeyPath(name), ".config.json");
        var process = SwarmProcess.Start(name, [.. DaemonArgs("node", KeyPath(name), ReplicaOfNode(number)), "--name", name, "--encoding", _options.Encoding,
            "--config", config,
            .. extraArgs], LogPath(name), cpus: _options.NodeCpus);
        var index = _nodes.FindIndex(n => n.Name == name);
        if (index >= 0)
            _nodes[index] = process;
        else
            _nodes.Add(process);
        return process;
    }

    private string[] DaemonArgs(string role, string keyPath, int replica)
    {
        // Validators share the cores among themselves; they work while the nodes wait.
        var threads = role == "validator" ? Math.Max(1, Environment.ProcessorCount / ValidatorAddresses.Count) : _options.Threads;
        var args = new List<string> { role, "start", "--coordinator", Urls[replica].ToString().TrimEnd('/'), "--key", keyPath, "--threads",
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
        await Task.WhenAll(_coordinators.OfType<SwarmProcess>().Select(c => c.StopAsync(TimeSpan.FromSeconds(5))));
        foreach (var p in _nodes.Concat(_validators).Concat(_coordinators).OfType<SwarmProcess>())
            p.Dispose();
        Creator.Dispose();
        _http.Dispose();
    }
}
