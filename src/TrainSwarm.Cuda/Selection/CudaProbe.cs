using System.Text;
using TrainSwarm.Cuda.Interop;

namespace TrainSwarm.Cuda.Selection;

/// <summary>The real probe: loads libcuda, calls cuInit and lists the devices. Never throws: a missing piece is the reason.</summary>
public sealed class CudaProbe : ICudaProbe
{
    /// <inheritdoc/>
    public CudaProbeResult Probe()
    {
        if (!NativeMethods.TryLoad(NativeMethods.Driver, out var missing))
            return CudaProbeResult.None($"no NVIDIA driver ({missing} not found)");
        try
        {
            return ListDevices();
        }
        catch (EntryPointNotFoundException e)
        {
            return CudaProbeResult.None($"the NVIDIA driver is too old ({e.Message})");
        }
    }

    private static unsafe CudaProbeResult ListDevices()
    {
        int init = NativeMethods.CuInit(0);
        if (init == 100) return CudaProbeResult.None("the NVIDIA driver found no CUDA device");
        if (init != 0) return CudaProbeResult.None($"cuInit failed with CUDA error {init}");
        int count = 0, version = 0;
        if (NativeMethods.CuDeviceGetCount(&count) != 0 || count == 0) return CudaProbeResult.None("the NVIDIA driver found no CUDA device");
        NativeMethods.CuDriverGetVersion(&version);
        var devices = new List<GpuInfo>(count);
        for (int ordinal = 0; ordinal < count; ordinal++)
        {
            int device;
            CudaException.Check(NativeMethods.CuDeviceGet(&device, ordinal), "cuDeviceGet");
            devices.Add(Describe(ordinal, device, version));
        }
        return new CudaProbeResult(devices, null);
    }

    private static unsafe GpuInfo Describe(int ordinal, int device, int driverVersion)
    {
        var name = stackalloc byte[256];
        CudaException.Check(NativeMethods.CuDeviceGetName(name, 256, device), "cuDeviceGetName");
        nuint memory;
        CudaException.Check(NativeMethods.CuDeviceTotalMem(&memory, device), "cuDeviceTotalMem");
        int major, minor, sms;
        CudaException.Check(NativeMethods.CuDeviceGetAttribute(&major, NativeMethods.CuDeviceAttributeComputeCapabilityMajor, device), "cuDeviceGetAttribute");
        CudaException.Check(NativeMethods.CuDeviceGetAttribute(&minor, NativeMethods.CuDeviceAttributeComputeCapabilityMinor, device), "cuDeviceGetAttribute");
        CudaException.Check(NativeMethods.CuDeviceGetAttribute(&sms, NativeMethods.CuDeviceAttributeMultiprocessorCount, device), "cuDeviceGetAttribute");
        int length = 0;
        while (length < 256 && name[length] != 0) length++;
        return new GpuInfo(ordinal, Encoding.UTF8.GetString(name, length), (long)memory, major, minor, sms, driverVersion);
    }
}
