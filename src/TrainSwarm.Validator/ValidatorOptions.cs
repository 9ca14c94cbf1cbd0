namespace TrainSwarm.Validator;

/// <summary>How a validator daemon runs: whom it talks to, who it is, where its data is and how hard it works.</summary>
/// <param name="Coordinator">The coordinator's root address.</param>
/// <param name="KeyPath">The validator's key (PEM); it must exist and be allowed as a validator by the coordinator.</param>
public sealed record ValidatorOptions(Uri Coordinator, string KeyPath)
{
    /// <summary>Directory holding the dataset files; null searches the install paths, then the cache.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>Download a named dataset (digest-checked) when it is not found locally.</summary>
    public bool AllowDownload { get; init; }

    /// <summary>How often the coordinator is asked for rounds to validate.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The GPU that replays receipts trained on its kind (image rounds the CUDA backend runs); null replays on the CPU engine alone.
    /// Scoring and aggregation run on the CPU either way. See <see cref="ReplayDevices"/>.
    /// </summary>
    public Cuda.Selection.GpuInfo? Gpu { get; init; }

    /// <summary>Compute threads for evaluation.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>The longest wait between retries while the coordinator is unreachable.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(10);
}
