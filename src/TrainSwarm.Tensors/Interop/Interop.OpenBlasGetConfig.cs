using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TrainSwarm.Tensors.Interop;

internal static partial class NativeMethods
{
    /// <summary>OpenBLAS's build description, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH ... Haswell MAX_THREADS=64".</summary>
    [LibraryImport(OpenBlas, EntryPoint = "openblas_get_config")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial IntPtr OpenBlasGetConfig();
}
