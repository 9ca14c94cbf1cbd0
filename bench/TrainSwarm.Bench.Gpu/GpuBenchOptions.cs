namespace TrainSwarm.Bench.Gpu;

/// <summary>Settings of `swarm bench gpu`.</summary>
public sealed record GpuBenchOptions(IReadOnlyList<int> Batches, int Steps, ulong Seed, bool Reference, string Python, string? Script,
    bool Gemm = true, string? FashionMnistDir = null)
{
    /// <summary>Samples of the synthetic training set (an epoch covers several hundred steps at batch 64).</summary>
    public const int Samples = 32768;
}
