using System.Reflection;
using System.Runtime.InteropServices;

namespace TrainSwarm.Tensors.Interop;

/// <summary>
/// All native imports of the engine. The library is located by our own resolver because Debian installs
/// OpenBLAS under an alternatives directory that is not always on the loader's path.
/// </summary>
internal static partial class NativeMethods
{
    internal const string OpenBlas = "trainswarm-openblas";

    private static readonly string[] OpenBlasCandidates =
    [
        "libopenblas.so.0",
        "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
        "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
        "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0",
        "/usr/lib/x86_64-linux-gnu/openblas-serial/libopenblas.so.0",
        "libopenblas.so",
        "libopenblas.dylib",
        "/opt/homebrew/opt/openblas/lib/libopenblas.dylib",
        "libopenblas.dll",
    ];

    /// <summary>The path that loaded, for the log line; null when OpenBLAS is not available.</summary>
    internal static string? LoadedOpenBlasPath { get; private set; }

    static NativeMethods()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, Resolve);
    }

    /// <summary>Tries to load OpenBLAS; false when it is missing or disabled with TRAINSWARM_BLAS=managed.</summary>
    internal static bool TryLoadOpenBlas() => TryGetOpenBlas(out _);

    /// <summary>TRAINSWARM_BLAS=managed turns OpenBLAS off (to measure or test the managed kernel).</summary>
    internal static bool ManagedRequested =>
        string.Equals(Environment.GetEnvironmentVariable("TRAINSWARM_BLAS"), "managed", StringComparison.OrdinalIgnoreCase);

    private static bool TryGetOpenBlas(out IntPtr handle)
    {
        handle = IntPtr.Zero;
        if (ManagedRequested) return false;
        if (LoadedOpenBlasPath is null && CoreTypeRequested) ChooseCoreType();
        var custom = Environment.GetEnvironmentVariable("TRAINSWARM_OPENBLAS");
        foreach (var candidate in custom is { Length: > 0 } ? [custom] : OpenBlasCandidates)
        {
            if (NativeLibrary.TryLoad(candidate, out handle))
            {
                LoadedOpenBlasPath = candidate;
                return true;
            }
        }
        return false;
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name == OpenBlas && TryGetOpenBlas(out var handle) ? handle : IntPtr.Zero;
}
