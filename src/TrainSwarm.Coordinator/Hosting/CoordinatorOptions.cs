using TrainSwarm.Coordination.Pricing;
using TrainSwarm.Coordinator.Telemetry;

namespace TrainSwarm.Coordinator.Hosting;

/// <summary>How a coordinator runs: where it listens, where it keeps its state, whom it trusts as validators.</summary>
public sealed record CoordinatorOptions
{
    /// <summary>The address to listen on, e.g. http://127.0.0.1:7070 (port 0 picks a free one).</summary>
    public string Url { get; init; } = "http://127.0.0.1:7070";

    /// <summary>Folder for the SQLite database, the blobs and the coordinator's key.</summary>
    public string DataDirectory { get; init; } = "swarm-data";

    /// <summary>A PostgreSQL connection string; null keeps the state in SQLite under <see cref="DataDirectory"/>.</summary>
    public string? Database { get; init; }

    /// <summary>The coordinator's key file; null means DataDirectory/coordinator.pem (created when missing).</summary>
    public string? KeyPath { get; init; }

    /// <summary>A devnet may mint tokens and accepts any registered validator when <see cref="Validators"/> is empty.</summary>
    public bool Devnet { get; init; }

    /// <summary>Addresses allowed to validate and post round results.</summary>
    public IReadOnlyList<string> Validators { get; init; } = [];

    /// <summary>The largest blob accepted, in bytes.</summary>
    public long MaxBlobBytes { get; init; } = 64L << 20;

    /// <summary>What the HTTP server allows a client (timeouts, minimum body rate, connections, header and JSON body sizes).</summary>
    public ConnectionLimits Limits { get; init; } = new();

    /// <summary>How often deadlines are checked.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>This process's name among replicas sharing one PostgreSQL (shown by <c>/health/ready</c>); default host-pid.</summary>
    public string ReplicaName { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>How often a replica tries to take the leader lock, and the leader checks it still holds it.</summary>
    public TimeSpan LeaderPoll { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A node is online when it was heard from within this time.</summary>
    public TimeSpan OnlineWindow { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Prices quoted to creators: micro-tokens per GFLOP of training, fees in basis points, quote validity, reference GPU.</summary>
    public PriceTable Prices { get; init; } = PriceTable.Default;

    /// <summary>Micro-tokens a node locks from its wallet to join a round (returned when the round closes); 0 for none.</summary>
    public long StakePerRound { get; init; } = 1_000_000;

    /// <summary>The coordinator's clock (deadlines, quotes, signature windows, ledger timestamps); tests shift it.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>Where traces, metrics and logs go besides <c>/metrics</c>: OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.</summary>
    public TelemetryOptions Telemetry { get; init; } = new();

    /// <summary>The database connection actually used.</summary>
    public string ConnectionString => Database ?? Path.Combine(DataDirectory, "swarm.db");
}
