using TrainSwarm.Cuda.Interop;

namespace TrainSwarm.Cuda;

/// <summary>What the backend loaded, for logs and bench output.</summary>
public static class Diagnostics
{
    /// <summary>"name=path" for each CUDA library loaded so far.</summary>
    public static IEnumerable<string> LoadedLibraries() =>
        NativeMethods.LoadedPaths.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}");
}
