using System.Runtime.InteropServices;
using TrainSwarm.Cuda.Interop;

namespace TrainSwarm.Cuda;

/// <summary>A CUDA, NVRTC or cuBLAS call failed; the message names the call and the library's own error text.</summary>
public sealed class CudaException(string message) : Exception(message)
{
    /// <summary>Throws when a driver call returned an error.</summary>
    internal static void Check(int result, string call)
    {
        if (result != 0) throw new CudaException($"{call} failed: {DriverErrorText(result)}");
    }

    /// <summary>Throws when a cuBLAS call returned an error.</summary>
    internal static void CheckBlas(int result, string call)
    {
        if (result != 0) throw new CudaException($"{call} failed: cuBLAS status {result}");
    }

    /// <summary>Throws when an NVRTC call returned an error.</summary>
    internal static void CheckNvrtc(int result, string call)
    {
        if (result != 0) throw new CudaException($"{call} failed: NVRTC result {result}");
    }

    private static unsafe string DriverErrorText(int result)
    {
        byte* text = null;
        return NativeMethods.CuGetErrorString(result, &text) == 0 && text != null
            ? $"{Marshal.PtrToStringUTF8((IntPtr)text)} ({result})"
            : $"CUDA error {result}";
    }
}
