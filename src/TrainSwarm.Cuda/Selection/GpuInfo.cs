namespace TrainSwarm.Cuda.Selection;

/// <summary>One CUDA device as the driver describes it; <see cref="Kind"/> is what a receipt records for replay.</summary>
public sealed record GpuInfo(int Ordinal, string Name, long MemoryBytes, int ComputeMajor, int ComputeMinor, int Multiprocessors, int DriverVersion)
{
    /// <summary>The device kind a bitwise replay must match: the model name and compute capability (e.g. "NVIDIA H100 80GB HBM3 sm_90").</summary>
    public string Kind => $"{Name} sm_{ComputeMajor}{ComputeMinor}";
}
