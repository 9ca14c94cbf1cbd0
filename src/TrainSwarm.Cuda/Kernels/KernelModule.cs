using System.Text;
using TrainSwarm.Cuda.Interop;

namespace TrainSwarm.Cuda.Kernels;

/// <summary>The loaded kernels of <see cref="KernelSource"/> and one way to launch them on the context's stream.</summary>
internal sealed unsafe class KernelModule : IDisposable
{
    /// <summary>Threads per block for every launch: 256 keeps occupancy high for these memory-bound kernels.</summary>
    public const int BlockSize = 256;

    private readonly IntPtr _module;
    private readonly Dictionary<string, IntPtr> _functions = new(StringComparer.Ordinal);
    private readonly IntPtr _stream;

    public KernelModule(int major, int minor, IntPtr stream)
    {
        _stream = stream;
        var ptx = NvrtcCompiler.CompileToPtx(KernelSource.Build(), "trainswarm_kernels.cu", major, minor);
        IntPtr module;
        fixed (byte* image = ptx) CudaException.Check(NativeMethods.CuModuleLoadData(&module, image), "cuModuleLoadData");
        _module = module;
        foreach (var name in KernelSource.KernelNames)
        {
            IntPtr function;
            fixed (byte* n = Encoding.ASCII.GetBytes(name + "\0"))
                CudaException.Check(NativeMethods.CuModuleGetFunction(&function, _module, n), $"cuModuleGetFunction({name})");
            _functions[name] = function;
        }
    }

    /// <summary>Blocks for <paramref name="work"/> threads, capped so grid-stride loops cover the rest.</summary>
    public static uint GridFor(long work) => (uint)Math.Clamp((work + BlockSize - 1) / BlockSize, 1, 65535);

    /// <summary>
    /// Launches <paramref name="name"/> on <paramref name="grid"/> blocks. Each argument sits in its own 8-byte slot
    /// (see <see cref="KernelArg"/>); the driver reads as many bytes of a slot as the parameter's type has, which on a
    /// little-endian machine are the low ones where an int or a float was put.
    /// </summary>
    public void Launch(string name, uint grid, ReadOnlySpan<ulong> arguments)
    {
        var slots = stackalloc ulong[arguments.Length];
        var pointers = stackalloc IntPtr[arguments.Length];
        for (int i = 0; i < arguments.Length; i++)
        {
            slots[i] = arguments[i];
            pointers[i] = (IntPtr)(slots + i);
        }
        CudaException.Check(NativeMethods.CuLaunchKernel(_functions[name], grid, 1, 1, BlockSize, 1, 1, 0, _stream, (void**)pointers, null),
            $"cuLaunchKernel({name})");
    }

    public void Dispose() => NativeMethods.CuModuleUnload(_module);
}
