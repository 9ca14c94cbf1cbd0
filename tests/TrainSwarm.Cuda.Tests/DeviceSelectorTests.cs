using TrainSwarm.Cuda.Selection;

namespace TrainSwarm.Cuda.Tests;

public sealed class DeviceSelectorTests
{
    private static readonly GpuInfo H100 = new(0, "NVIDIA H100 80GB HBM3", 85_017_624_576, 9, 0, 132, 13000);
    private static readonly GpuInfo Second = new(1, "NVIDIA H100 80GB HBM3", 85_017_624_576, 9, 0, 132, 13000);

    private sealed class FixedProbe(CudaProbeResult result) : ICudaProbe
    {
        public int Calls { get; private set; }

        public CudaProbeResult Probe()
        {
            Calls++;
            return result;
        }
    }

    private static (DeviceChoice Choice, List<string> Log) Select(string request, CudaProbeResult found)
    {
        Assert.True(DeviceRequest.TryParse(request, out var parsed, out _));
        var log = new List<string>();
        return (DeviceSelector.Select(parsed, new FixedProbe(found), log.Add), log);
    }

    [Fact]
    public void Auto_without_a_driver_falls_back_to_the_cpu_and_says_why_in_one_line()
    {
        var (choice, log) = Select("auto", CudaProbeResult.None("no NVIDIA driver (libcuda.so.1 or libcuda.so not found)"));
        Assert.False(choice.IsCuda);
        Assert.Equal("cpu", choice.Kind);
        Assert.Equal(["device: cpu (no GPU: no NVIDIA driver (libcuda.so.1 or libcuda.so not found))"], log);
    }

    [Fact]
    public void Auto_with_a_gpu_takes_device_zero_and_names_it()
    {
        var (choice, log) = Select("auto", new CudaProbeResult([H100, Second], null));
        Assert.Same(H100, choice.Gpu);
        Assert.Equal("NVIDIA H100 80GB HBM3 sm_90", choice.Kind);
        Assert.Equal(["device: cuda:0 NVIDIA H100 80GB HBM3 (81079 MiB, sm_90)"], log);
    }

    [Fact]
    public void Cuda_with_an_ordinal_takes_that_device()
    {
        var (choice, _) = Select("cuda:1", new CudaProbeResult([H100, Second], null));
        Assert.Same(Second, choice.Gpu);
    }

    [Fact]
    public void Cuda_without_a_driver_is_a_one_line_error_naming_what_is_missing()
    {
        var e = Assert.Throws<DeviceUnavailableException>(() =>
            Select("cuda", CudaProbeResult.None("no NVIDIA driver (libcuda.so.1 or libcuda.so not found)")));
        Assert.Equal("--device cuda:0: no NVIDIA driver (libcuda.so.1 or libcuda.so not found)", e.Message);
    }

    [Fact]
    public void Cuda_with_a_missing_ordinal_says_how_many_there_are()
    {
        var e = Assert.Throws<DeviceUnavailableException>(() => Select("cuda:2", new CudaProbeResult([H100, Second], null)));
        Assert.Equal("--device cuda:2: no CUDA device 2 (found 2)", e.Message);
    }

    [Fact]
    public void Cpu_never_probes()
    {
        var probe = new FixedProbe(new CudaProbeResult([H100], null));
        var choice = DeviceSelector.Select(DeviceRequest.Cpu, probe, _ => { });
        Assert.False(choice.IsCuda);
        Assert.Equal(0, probe.Calls);
    }

    [Fact]
    public void The_real_probe_never_throws_and_gives_devices_or_a_reason()
    {
        // On a machine without the NVIDIA driver (CI) this is the driver-missing path; on a GPU machine it lists devices.
        var found = new CudaProbe().Probe();
        if (found.Devices.Count == 0)
        {
            Assert.False(string.IsNullOrWhiteSpace(found.Missing));
            Assert.DoesNotContain('\n', found.Missing);
        }
        else
        {
            Assert.Null(found.Missing);
            Assert.All(found.Devices, d => Assert.True(d.MemoryBytes > 0 && d.ComputeMajor > 0, d.Kind));
        }
    }
}
