namespace TrainSwarm.Validator.Tests;

/// <summary>The replay decision across devices: replay only on the receipt's own device kind, skip (with the reason) otherwise.</summary>
public sealed class ReplayDevicesTests
{
    private const string H100 = "NVIDIA H100 80GB HBM3 sm_90";
    private const string A100 = "NVIDIA A100-SXM4-80GB sm_80";

    [Fact]
    public void A_receipt_of_the_validators_own_cpu_kind_is_replayed_on_the_cpu()
    {
        var devices = new ReplayDevices("cpu-avx512");
        Assert.Null(devices.SkipReason("cpu-avx512"));
        Assert.False(devices.OnGpu("cpu-avx512"));
    }

    [Fact]
    public void A_receipt_without_a_device_was_trained_on_a_cpu_and_is_replayed_there_as_before()
    {
        Assert.Null(new ReplayDevices("cpu-avx2").SkipReason(null));
        Assert.Null(new ReplayDevices("cpu-avx2", H100).SkipReason(null));
        Assert.False(new ReplayDevices("cpu-avx2", H100).OnGpu(null));
    }

    [Fact]
    public void Another_cpu_kind_is_skipped_with_both_kinds_named()
    {
        Assert.Equal("not replayed: trained on cpu-avx2, and this validator replays on cpu-avx512 (a bitwise replay is promised on the same " +
            "device kind only)", new ReplayDevices("cpu-avx512").SkipReason("cpu-avx2"));
    }

    [Fact]
    public void A_gpu_receipt_is_skipped_by_a_validator_without_that_gpu()
    {
        Assert.Equal($"not replayed: trained on {H100}, and this validator replays on cpu-avx512 (a bitwise replay is promised on the same " +
            "device kind only)", new ReplayDevices("cpu-avx512").SkipReason(H100));
        Assert.Equal($"not replayed: trained on {H100}, and this validator replays on cpu-avx512 or {A100} (a bitwise replay is promised on " +
            "the same device kind only)", new ReplayDevices("cpu-avx512", A100).SkipReason(H100));
        Assert.False(new ReplayDevices("cpu-avx512", A100).OnGpu(H100));
    }

    [Fact]
    public void A_gpu_receipt_is_replayed_on_a_gpu_of_its_kind_and_a_cpu_receipt_still_on_the_cpu()
    {
        var devices = new ReplayDevices("cpu-avx512", H100);
        Assert.Null(devices.SkipReason(H100));
        Assert.True(devices.OnGpu(H100));
        Assert.Null(devices.SkipReason("cpu-avx512"));
        Assert.False(devices.OnGpu("cpu-avx512"));
    }

    [Fact]
    public void Kinds_are_compared_exactly()
    {
        Assert.NotNull(new ReplayDevices("cpu-avx512", H100).SkipReason("nvidia h100 80gb hbm3 sm_90"));
        Assert.NotNull(new ReplayDevices("cpu-avx512").SkipReason("CPU-AVX512"));
    }

    [Fact]
    public void This_process_replays_on_its_engines_cpu_kind()
    {
        Assert.Equal(Tensors.Engine.DeviceKind, ReplayDevices.Here.Cpu);
        Assert.Null(ReplayDevices.Here.Gpu);
        Assert.Matches("^cpu-(avx512|avx2|sse|neon|scalar)$", ReplayDevices.Here.Cpu);
    }
}
