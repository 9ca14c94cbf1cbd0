using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace TrainSwarm.Tensors.Interop;

internal static partial class NativeMethods
{
    /// <summary>Sets OpenBLAS's own thread count.</summary>
    [LibraryImport(OpenBlas, EntryPoint = "openblas_set_num_threads")]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void OpenBlasSetNumThreads(int threads);
}
