using TrainSwarm.Learning.Training;

namespace TrainSwarm.Node;

/// <summary>How a node daemon runs: where the coordinator is, who the node is, what it trains and how hard.</summary>
public sealed record NodeOptions
{
    /// <summary>The coordinator's root address.</summary>
    public required Uri Coordinator { get; init; }

    /// <summary>The node's key file (PEM); it must exist (the CLI creates one when missing).</summary>
    public required string KeyPath { get; init; }

    /// <summary>
    /// The GPU image rounds (mlp, cnn) train on (<see cref="Daemons.Devices.GpuRoundTrainer"/>); null trains everything on the CPU engine.
    /// Rounds the GPU has no path for train on the CPU, and each receipt names the device that trained it.
    /// </summary>
    public Cuda.Selection.GpuInfo? Gpu { get; init; }

    /// <summary>A label for people, shown on the dashboard.</summary>
    public string Name { get; init; } = Environment.MachineName;

    /// <summary>Named datasets this node serves; it joins only rounds of these.</summary>
    public IReadOnlyList<string> Datasets { get; init; } = ["fashion-mnist"];

    /// <summary>
    /// Where the datasets' files are: either a directory holding one subdirectory per dataset name, or the files of
    /// the dataset itself. Null: known install paths, then the per-user cache.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Download a dataset (digest-checked) into the cache when it is not found locally.</summary>
    public bool AllowDownload { get; init; }

    /// <summary>At most this many rounds train at once; the node joins no new round while that many are in progress.</summary>
    public int MaxParallel { get; init; } = 1;

    /// <summary>The update encoding: <c>f32</c> (exact) or <c>int8</c> (a quarter of the bytes).</summary>
    public string Encoding { get; init; } = "f32";

    /// <summary>How often the node asks the coordinator for rounds (and says it is alive).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Compute threads of the engine; null keeps the engine's default (one per core).</summary>
    public int? Threads { get; init; }

    /// <summary>How long the startup benchmark trains.</summary>
    public TimeSpan BenchmarkDuration { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a network operation of a round is retried before the round is given up (never past its deadline).</summary>
    public TimeSpan RetryLimit { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Join only open rounds whose expected reward (micro-tokens for a full-quality update; none counts as 0) is at least
    /// this; null: no minimum. Rounds the node already holds are finished regardless.
    /// </summary>
    public long? MinReward { get; init; }

    /// <summary>Join only open rounds whose expected reward is at most this (micro-tokens); null: no maximum.</summary>
    public long? MaxReward { get; init; }

    /// <summary>
    /// After a round the node delivered to is paid, move the payout from the claimable balance into the wallet. When
    /// false the payout is only reported, and stays claimable.
    /// </summary>
    public bool AutoClaim { get; init; } = true;

    /// <summary>
    /// How long the node waits for a delivered round's rewards once the round is done (or once its phase deadline
    /// passed), and how long it retries a claim, before it gives up on that round's payout.
    /// </summary>
    public TimeSpan PayoutWait { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Dataset mappings, requested name → local name: when a round asks for a dataset this node does not serve under
    /// that name, it trains the mapped local dataset instead, and its receipt's <c>DatasetUsed</c> says so.
    /// </summary>
    public IReadOnlyDictionary<string, string> DatasetMappings { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Where a named local dataset's files are (name → directory holding its IDX files); overrides <see cref="DataDirectory"/>.</summary>
    public IReadOnlyDictionary<string, string> DatasetPaths { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// How many times the node runs the round's inner steps (H) for one update. The receipt counts every step taken;
    /// payment stays capped at H × batch samples, so extra epochs buy quality, not pay.
    /// </summary>
    public int Epochs { get; init; } = 1;

    /// <summary>
    /// Where the node keeps the training states its receipts commit to until their rounds are settled, answering
    /// validators' requests for them (states on demand; the daemon defaults it to <c>states/</c> beside the key file).
    /// Null: every state is uploaded with the update, for a round trained by hand with no daemon left to answer.
    /// </summary>
    public string? StateDirectory { get; init; }

    /// <summary>At most this many local steps (batches) per update, below the round's H; null: no cap. For quick tests.</summary>
    public int? MaxBatches { get; init; }

    /// <summary>Train joined rounds automatically; when false the node only joins, and `swarm round train` trains by hand.</summary>
    public bool AutoTrain { get; init; } = true;

    /// <summary>The most this node locks as a stake per round (micro-tokens); a coordinator asking more gets no joins. Null: any.</summary>
    public long? MaxStake { get; init; }

    /// <summary>The most request-body bytes a second this node sends (its upload bandwidth cap; updates are the large ones). Null: no cap.</summary>
    public long? UploadBytesPerSecond { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        if (!Coordinator.IsAbsoluteUri || Coordinator.Scheme is not ("http" or "https"))
            throw new ArgumentException($"the coordinator address '{Coordinator}' must be an absolute http(s) URL");
        if (string.IsNullOrWhiteSpace(KeyPath))
            throw new ArgumentException("a key path is required");
        if (string.IsNullOrWhiteSpace(Name) || Name.Length > 100)
            throw new ArgumentException("the node name must have 1 to 100 characters");
        if (Datasets.Count == 0 || Datasets.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("the node must serve at least one dataset");
        if (MaxParallel < 1)
            throw new ArgumentException("max parallel rounds must be at least 1");
        if (!DeltaCodec.Encodings.Contains(Encoding))
            throw new ArgumentException($"unknown update encoding '{Encoding}'; choose one of: {string.Join(", ", DeltaCodec.Encodings)}");
        if (PollInterval <= TimeSpan.Zero)
            throw new ArgumentException("the poll interval must be positive");
        if (Threads is < 1)
            throw new ArgumentException("threads must be at least 1");
        if (UploadBytesPerSecond is < 1)
            throw new ArgumentException("the upload limit must be at least 1 byte a second");
        if (BenchmarkDuration <= TimeSpan.Zero || RetryLimit < TimeSpan.Zero)
            throw new ArgumentException("the benchmark duration must be positive and the retry limit not negative");
        if (MinReward is < 0 || MaxReward is < 0)
            throw new ArgumentException("reward bounds must not be negative");
        if (MinReward > MaxReward)
            throw new ArgumentException("the minimum reward must not exceed the maximum reward");
        if (Epochs < 1)
            throw new ArgumentException("epochs must be at least 1");
        if (MaxBatches is < 1)
            throw new ArgumentException("max batches must be at least 1");
        if (MaxStake is < 0)
            throw new ArgumentException("the maximum stake must not be negative");
        if (DatasetMappings.Any(m => string.IsNullOrWhiteSpace(m.Key) || string.IsNullOrWhiteSpace(m.Value)))
            throw new ArgumentException("a dataset mapping needs both a requested and a local dataset name");
        if (PayoutWait <= TimeSpan.Zero)
            throw new ArgumentException("the payout wait must be positive");
    }
}
