namespace TrainSwarm.Cuda.Selection;

/// <summary>The device a process trains on: the CPU engine, or one GPU.</summary>
public sealed record DeviceChoice(GpuInfo? Gpu)
{
    public static DeviceChoice Cpu { get; } = new((GpuInfo?)null);

    public bool IsCuda => Gpu is not null;

    /// <summary>"cpu", or the GPU's kind, for receipts and logs.</summary>
    public string Kind => Gpu?.Kind ?? "cpu";
}
