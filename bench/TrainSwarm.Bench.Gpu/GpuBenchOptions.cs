namespace TrainSwarm.Bench.Gpu;

/// <summary>Settings of `swarm bench gpu`.</summary>
public sealed record GpuBenchOptions(IReadOnlyList<int> Batches, int Steps, ulong Seed, bool Reference, string Python, string? Script,
    bool Gemm = true, string? FashionMnistDir = null, IReadOnlyList<string>? Models = null)
{
    /// <summary>Samples of the synthetic training set (an epoch covers several hundred steps at batch 64).</summary>
    public const int Samples = 32768;

    /// <summary>The presets measured: both by default.</summary>
    public IReadOnlyList<string> ModelList => Models ?? ["mlp", "cnn"];
}
