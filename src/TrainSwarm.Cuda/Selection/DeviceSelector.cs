namespace TrainSwarm.Cuda.Selection;

/// <summary>
/// Turns a `--device` request into a device. `auto` takes GPU 0 when the probe finds one and otherwise falls back to the
/// CPU engine; either way it says what it chose in one log line. `cuda[:N]` with no driver or no such device is an error.
/// </summary>
public static class DeviceSelector
{
    /// <summary>Chooses the device for <paramref name="request"/>; <paramref name="log"/> gets the one line that says which.</summary>
    public static DeviceChoice Select(DeviceRequest request, ICudaProbe probe, Action<string> log)
    {
        if (request.Kind == DeviceRequestKind.Cpu)
        {
            log("device: cpu (requested)");
            return DeviceChoice.Cpu;
        }
        var found = probe.Probe();
        if (request.Kind == DeviceRequestKind.Auto)
        {
            if (found.Devices.Count == 0)
            {
                log($"device: cpu (no GPU: {found.Missing})");
                return DeviceChoice.Cpu;
            }
            var first = found.Devices[0];
            log($"device: cuda:0 {first.Name} ({first.MemoryBytes >> 20} MiB, sm_{first.ComputeMajor}{first.ComputeMinor})");
            return new DeviceChoice(first);
        }
        if (found.Devices.Count == 0)
            throw new DeviceUnavailableException($"--device {request}: {found.Missing}");
        var gpu = found.Devices.FirstOrDefault(d => d.Ordinal == request.Ordinal)
            ?? throw new DeviceUnavailableException($"--device {request}: no CUDA device {request.Ordinal} (found {found.Devices.Count})");
        log($"device: cuda:{gpu.Ordinal} {gpu.Name} ({gpu.MemoryBytes >> 20} MiB, sm_{gpu.ComputeMajor}{gpu.ComputeMinor})");
        return new DeviceChoice(gpu);
    }
}
