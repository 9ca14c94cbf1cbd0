using TrainSwarm.Cuda;
using TrainSwarm.Cuda.Selection;

namespace TrainSwarm.Bench.Gpu.OpChecks;

/// <summary>
/// `swarm bench gpu-ops`: every case of <see cref="OpCases"/> on the GPU against the CPU engine, PyTorch's golden values and finite differences,
/// one JSON line per case, then one summary line. Returns the number of cases that failed.
/// </summary>
public static class GpuOpsBenchmark
{
    public static int Run(string goldenDirectory, string? ops, ulong seed, Action<IReadOnlyDictionary<string, object>> emit, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(emit);
        var cases = OpCases.Select(OpCases.All(new GoldenSet(goldenDirectory), seed), ops);
        var gpu = DeviceSelector.Select(new DeviceRequest(DeviceRequestKind.Cuda, 0), new CudaProbe(), log).Gpu!;
        using var context = new CudaContext(gpu);
        return Check(cases, new CudaOpDevice(context), new EngineOpDevice(), emit);
    }

    /// <summary>Checks <paramref name="cases"/> on <paramref name="device"/> against <paramref name="twin"/>; the failures' count.</summary>
    public static int Check(IReadOnlyList<OpCase> cases, IOpDevice device, IOpDevice twin, Action<IReadOnlyDictionary<string, object>> emit)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(emit);
        int failed = 0;
        foreach (var c in cases)
        {
            var result = OpChecker.Check(c, device, twin);
            if (!result.Pass) failed++;
            emit(result.ToLine());
        }
        emit(new Dictionary<string, object>
        {
            ["figure"] = "gpu_ops_summary", ["device"] = device.Name, ["cases"] = cases.Count, ["passed"] = cases.Count - failed,
            ["failed"] = failed, ["ops"] = string.Join(",", cases.Select(c => c.Op).Distinct()),
        });
        return failed;
    }
}
