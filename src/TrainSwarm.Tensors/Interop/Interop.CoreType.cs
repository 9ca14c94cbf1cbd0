using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace TrainSwarm.Tensors.Interop;

internal static partial class NativeMethods
{
    /// <summary>
    /// The OpenBLAS core type the engine asked for, or null when it left OpenBLAS's own detection alone. OpenBLAS 0.3.21 (Debian 12)
    /// does not know newer Xeons (Sapphire Rapids reports as plain "Intel Xeon Processor" in VMs) and falls back to its Prescott
    /// kernels, SSE3 only, which made a GPT step 3 to 6 times slower here. When asked (<see cref="Engine.UseFastestOpenBlasKernels"/>
    /// or TRAINSWARM_OPENBLAS_CORETYPE=auto) and the user has not set OPENBLAS_CORETYPE, we name the kernels the CPU can run:
    /// SkylakeX with AVX-512, Haswell with AVX2 and FMA. Not the default: other kernels change the bits of every GEMM, and a run
    /// (or a validator's replay of it) must use the same kernels as the run it is compared with.
    /// </summary>
    internal static string? RequestedCoreType { get; private set; }

    /// <summary>Set before OpenBLAS loads to have <see cref="ChooseCoreType"/> run.</summary>
    internal static bool CoreTypeRequested { get; set; } =
        string.Equals(Environment.GetEnvironmentVariable("TRAINSWARM_OPENBLAS_CORETYPE"), "auto", StringComparison.OrdinalIgnoreCase);

    /// <summary>Sets OPENBLAS_CORETYPE in the native environment before the library loads (it reads it once, at load).</summary>
    internal static void ChooseCoreType()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return;
        if (Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") is { Length: > 0 }) return;
        string? core = Avx512F.IsSupported && Avx512BW.IsSupported && Avx512DQ.IsSupported ? "SkylakeX"
            : Avx2.IsSupported && Fma.IsSupported ? "Haswell" : null;
        if (core is null) return;
        // .NET's Environment.SetEnvironmentVariable changes only the managed copy on Unix; OpenBLAS calls getenv.
        if (SetEnv("OPENBLAS_CORETYPE", core, 1) == 0) RequestedCoreType = core;
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    private static partial int SetEnv(string name, string value, int overwrite);
}
