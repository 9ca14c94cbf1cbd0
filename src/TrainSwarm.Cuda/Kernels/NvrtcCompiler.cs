using System.Runtime.InteropServices;
using System.Text;
using TrainSwarm.Cuda.Interop;

namespace TrainSwarm.Cuda.Kernels;

/// <summary>Compiles CUDA C to PTX with NVRTC. The options are fixed, so the same source gives the same PTX and the same machine code.</summary>
internal static class NvrtcCompiler
{
    /// <summary>
    /// The NVRTC options for a device of compute capability <paramref name="major"/>.<paramref name="minor"/>. Fused
    /// multiply-add contraction is off so each kernel rounds exactly as written (and as the CPU engine's scalar code).
    /// </summary>
    public static string[] Options(int major, int minor) => [$"--gpu-architecture=compute_{major}{minor}", "--fmad=false", "--std=c++17"];

    public static unsafe byte[] CompileToPtx(string source, string name, int major, int minor)
    {
        if (!NativeMethods.TryLoad(NativeMethods.Nvrtc, out var missing))
            throw new CudaException($"NVRTC is missing ({missing} not found): install the CUDA runtime's nvrtc package");
        var options = Options(major, minor);
        var handles = new List<GCHandle>();
        try
        {
            byte[] src = NullTerminated(source), programName = NullTerminated(name);
            IntPtr program;
            fixed (byte* s = src, n = programName)
                CudaException.CheckNvrtc(NativeMethods.NvrtcCreateProgram(&program, s, n, 0, null, null), "nvrtcCreateProgram");
            try
            {
                var pointers = new byte*[options.Length];
                for (int i = 0; i < options.Length; i++)
                {
                    var handle = GCHandle.Alloc(NullTerminated(options[i]), GCHandleType.Pinned);
                    handles.Add(handle);
                    pointers[i] = (byte*)handle.AddrOfPinnedObject();
                }
                int result;
                fixed (byte** o = pointers) result = NativeMethods.NvrtcCompileProgram(program, options.Length, o);
                if (result != 0) throw new CudaException($"NVRTC could not compile {name}: {Log(program)}");
                nuint size;
                CudaException.CheckNvrtc(NativeMethods.NvrtcGetPtxSize(program, &size), "nvrtcGetPTXSize");
                var ptx = new byte[(int)size];
                fixed (byte* p = ptx) CudaException.CheckNvrtc(NativeMethods.NvrtcGetPtx(program, p), "nvrtcGetPTX");
                return ptx;
            }
            finally
            {
                NativeMethods.NvrtcDestroyProgram(&program);
            }
        }
        finally
        {
            foreach (var handle in handles) handle.Free();
        }
    }

    private static unsafe string Log(IntPtr program)
    {
        nuint size;
        if (NativeMethods.NvrtcGetProgramLogSize(program, &size) != 0 || size == 0) return "(no log)";
        var log = new byte[(int)size];
        fixed (byte* l = log) NativeMethods.NvrtcGetProgramLog(program, l);
        return Encoding.UTF8.GetString(log).TrimEnd('\0').Trim();
    }

    private static byte[] NullTerminated(string text) => Encoding.UTF8.GetBytes(text + "\0");
}
