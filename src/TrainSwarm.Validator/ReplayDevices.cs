using TrainSwarm.Tensors;

namespace TrainSwarm.Validator;

/// <summary>
/// Which receipts a validator can replay, and on what: bitwise reproducibility is promised per device kind only (the CPU engine's
/// vector width, a GPU's model and compute capability), so a segment is replayed only on a device of the receipt's own kind: the CPU
/// engine, or this validator's GPU when it has one (<see cref="Daemons.Devices.GpuRoundTrainer"/>). Any other receipt is skipped, with
/// the reason, and counts neither as passed nor as failed. A receipt without a device (signed before receipts named one) was trained
/// by the CPU engine and is replayed on the CPU, as it always was.
/// </summary>
/// <param name="Cpu">The CPU engine's device kind here (<see cref="Engine.DeviceKind"/>).</param>
/// <param name="Gpu">The kind of the GPU this validator replays on, or null when it replays on the CPU only.</param>
public sealed record ReplayDevices(string Cpu, string? Gpu = null)
{
    /// <summary>This process on the CPU engine alone.</summary>
    public static ReplayDevices Here { get; } = new(Engine.DeviceKind);

    /// <summary>Null when a receipt trained on <paramref name="trained"/> can be replayed here, else why it is skipped, in one line.</summary>
    public string? SkipReason(string? trained)
    {
        if (trained is null || string.Equals(trained, Cpu, StringComparison.Ordinal) || OnGpu(trained))
            return null;
        var here = Gpu is null ? Cpu : $"{Cpu} or {Gpu}";
        return $"not replayed: trained on {trained}, and this validator replays on {here} (a bitwise replay is promised on the same device kind only)";
    }

    /// <summary>Whether a receipt trained on <paramref name="trained"/> is replayed on this validator's GPU.</summary>
    public bool OnGpu(string? trained) => Gpu is not null && string.Equals(trained, Gpu, StringComparison.Ordinal);
}
