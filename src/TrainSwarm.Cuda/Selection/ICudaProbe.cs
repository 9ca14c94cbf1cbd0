namespace TrainSwarm.Cuda.Selection;

/// <summary>Finds the CUDA devices of this machine; an interface so selection is tested without a GPU.</summary>
public interface ICudaProbe
{
    /// <summary>The devices found, or an empty list and the one-line reason (no driver, no device, cuInit failed).</summary>
    CudaProbeResult Probe();
}

/// <summary>What a probe found: devices, or why there are none.</summary>
public sealed record CudaProbeResult(IReadOnlyList<GpuInfo> Devices, string? Missing)
{
    public static CudaProbeResult None(string missing) => new([], missing);
}
