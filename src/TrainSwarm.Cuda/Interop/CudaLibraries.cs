using System.Reflection;
using System.Runtime.InteropServices;

namespace TrainSwarm.Cuda.Interop;

/// <summary>
/// Where the three CUDA libraries are looked for. The driver (libcuda) comes with the NVIDIA driver; NVRTC and cuBLAS
/// come with the CUDA runtime packages (a distribution's, the toolkit's, or the pip wheels PyTorch installs), so each
/// has several names and folders. TRAINSWARM_CUDA_LIB_DIR puts one folder first.
/// </summary>
internal static partial class NativeMethods
{
    internal const string Driver = "trainswarm-cuda";
    internal const string Nvrtc = "trainswarm-nvrtc";
    internal const string Cublas = "trainswarm-cublas";

    private static readonly string[] DriverNames = ["libcuda.so.1", "libcuda.so", "nvcuda.dll"];
    private static readonly string[] NvrtcNames = ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so", "nvrtc64_130_0.dll", "nvrtc64_120_0.dll"];
    private static readonly string[] CublasNames = ["libcublas.so.13", "libcublas.so.12", "libcublas.so", "cublas64_13.dll", "cublas64_12.dll"];

    private static readonly string[] Folders =
    [
        "/usr/local/cuda/lib64",
        "/usr/local/cuda/targets/x86_64-linux/lib",
        "/usr/lib/x86_64-linux-gnu",
        "/opt/torch/.venv/lib/python3.12/site-packages/nvidia/cu13/lib",
        "/opt/torch/.venv/lib/python3.12/site-packages/nvidia/cublas/lib",
        "/opt/torch/.venv/lib/python3.12/site-packages/nvidia/cuda_nvrtc/lib",
    ];

    private static readonly Dictionary<string, string> Loaded = new(StringComparer.Ordinal);

    static NativeMethods()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, Resolve);
    }

    /// <summary>The paths that loaded, by logical name, for the log line and the bench output.</summary>
    internal static IReadOnlyDictionary<string, string> LoadedPaths
    {
        get { lock (Loaded) return new Dictionary<string, string>(Loaded); }
    }

    /// <summary>Loads <paramref name="library"/> (one of the constants above); false with the names tried when it is missing.</summary>
    internal static bool TryLoad(string library, out string missing)
    {
        missing = "";
        if (TryGet(library, out _)) return true;
        missing = string.Join(" or ", NamesOf(library).Take(2));
        return false;
    }

    /// <summary>Every file name and path tried for <paramref name="library"/>, in order.</summary>
    internal static IEnumerable<string> Candidates(string library, string? customFolder)
    {
        var names = NamesOf(library);
        var folders = customFolder is { Length: > 0 } ? [customFolder, .. Folders] : Folders;
        foreach (var name in names) yield return name;
        foreach (var folder in folders)
            foreach (var name in names)
                yield return Path.Combine(folder, name);
    }

    private static string[] NamesOf(string library) => library switch
    {
        Driver => DriverNames,
        Nvrtc => NvrtcNames,
        Cublas => CublasNames,
        _ => throw new ArgumentException($"unknown CUDA library '{library}'", nameof(library)),
    };

    private static bool TryGet(string library, out IntPtr handle)
    {
        handle = IntPtr.Zero;
        var custom = Environment.GetEnvironmentVariable("TRAINSWARM_CUDA_LIB_DIR");
        foreach (var candidate in Candidates(library, custom))
        {
            if (NativeLibrary.TryLoad(candidate, out handle))
            {
                lock (Loaded) Loaded[library] = candidate;
                return true;
            }
        }
        return false;
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) =>
        name is Driver or Nvrtc or Cublas && TryGet(name, out var handle) ? handle : IntPtr.Zero;
}
