using TrainSwarm.Tensors.Kernels;

namespace TrainSwarm.Tensors;

/// <summary>Process-wide engine settings: thread count and the log line that says which GEMM path runs.</summary>
public static class Engine
{
    private static int s_threads = Environment.ProcessorCount;

    /// <summary>Threads for parallel kernels, GEMM included. Results are bitwise identical for any value.</summary>
    public static int Threads
    {
        get => s_threads;
        set
        {
            if (value < 1) throw new ArgumentOutOfRangeException(nameof(value), "threads must be at least 1");
            s_threads = value;
        }
    }

    /// <summary>Where the engine writes its few log lines (default: standard error).</summary>
    public static Action<string> Log { get; set; } = static line => Console.Error.WriteLine(line);

    /// <summary>
    /// Asks for OpenBLAS's kernels for this CPU's vector units (SkylakeX, Haswell) instead of what OpenBLAS 0.3.21 detects, which on
    /// newer Xeons is its SSE3 fallback. Must run before the first GEMM; returns the core type set, or null (already loaded, not
    /// x86-64 Linux, or OPENBLAS_CORETYPE given by the user). Results stay bitwise identical for any thread count, but differ from
    /// runs with the detected kernels, so training that is replayed elsewhere should not call it.
    /// </summary>
    public static string? UseFastestOpenBlasKernels()
    {
        Interop.NativeMethods.CoreTypeRequested = true;
        return OpenBlasCoreType;
    }

    /// <summary>
    /// The OPENBLAS_CORETYPE the engine set (see <see cref="UseFastestOpenBlasKernels"/>), or null. A benchmark that runs another
    /// OpenBLAS user (PyTorch) passes it on, so both sides use the same kernels.
    /// </summary>
    public static string? OpenBlasCoreType
    {
        get
        {
            _ = Gemm.Backend;
            return Interop.NativeMethods.RequestedCoreType;
        }
    }

    /// <summary>
    /// The CPU engine's device kind, as receipts record it: "cpu-" and the widest vector unit TensorPrimitives uses here (avx512,
    /// avx2, sse or neon; scalar without any). Element-wise kernels take other paths, and so other rounding orders, on other widths,
    /// so a bitwise replay is only promised between machines of the same kind.
    /// </summary>
    public static string DeviceKind { get; } = "cpu-" + (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "avx512"
        : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "avx2"
        : !System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "scalar"
        : System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture is System.Runtime.InteropServices.Architecture.Arm64 ? "neon" : "sse");

    /// <summary>Name of the GEMM path in use: "openblas" or "managed".</summary>
    public static string BlasName => Gemm.Backend.Name;
}
