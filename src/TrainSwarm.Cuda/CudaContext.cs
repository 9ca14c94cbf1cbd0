using TrainSwarm.Cuda.Interop;
using TrainSwarm.Cuda.Kernels;
using TrainSwarm.Cuda.Memory;
using TrainSwarm.Cuda.Selection;

namespace TrainSwarm.Cuda;

/// <summary>
/// One GPU ready for training: its primary context, one stream, the caching allocator, the compiled kernels and a
/// cuBLAS handle. Everything runs on the one stream, in order, so no two kernels race and results repeat bitwise.
/// </summary>
public sealed unsafe class CudaContext : IDisposable
{
    /// <summary>cuBLAS's workspace, fixed so it never picks an algorithm by what memory it could get (CUBLAS_WORKSPACE_CONFIG=:4096:8's size).</summary>
    public const long BlasWorkspaceBytes = 32L << 20;

    private readonly IntPtr _context;
    private readonly IntPtr _stream;
    private readonly IntPtr _blas;
    private readonly ulong _workspace;
    private readonly KernelModule _kernels;
    private bool _disposed;

    /// <summary>Opens <paramref name="gpu"/>; <paramref name="tf32"/> lets cuBLAS use TF32 tensor cores (faster, about 1e-3 relative error).</summary>
    public CudaContext(GpuInfo gpu, bool tf32 = false)
    {
        Gpu = gpu;
        Tf32 = tf32;
        int device;
        CudaException.Check(NativeMethods.CuDeviceGet(&device, gpu.Ordinal), "cuDeviceGet");
        IntPtr context;
        CudaException.Check(NativeMethods.CuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
        CudaException.Check(NativeMethods.CuCtxSetCurrent(context), "cuCtxSetCurrent");
        _context = context;
        IntPtr stream;
        CudaException.Check(NativeMethods.CuStreamCreate(&stream, 1), "cuStreamCreate");
        _stream = stream;
        Allocator = new CachingAllocator(new DriverMemory());
        _kernels = new KernelModule(gpu.ComputeMajor, gpu.ComputeMinor, stream);
        if (!NativeMethods.TryLoad(NativeMethods.Cublas, out var missing))
            throw new CudaException($"cuBLAS is missing ({missing} not found): install the CUDA runtime's cublas package");
        IntPtr blas;
        CudaException.CheckBlas(NativeMethods.CublasCreate(&blas), "cublasCreate");
        _blas = blas;
        CudaException.CheckBlas(NativeMethods.CublasSetStream(blas, stream), "cublasSetStream");
        _workspace = Allocator.Allocate(BlasWorkspaceBytes);
        CudaException.CheckBlas(NativeMethods.CublasSetWorkspace(blas, _workspace, (nuint)BlasWorkspaceBytes), "cublasSetWorkspace");
        // Pedantic math keeps fp32 products in fp32 (no reduced-precision shortcuts); TF32 is an explicit opt-in.
        int mode = tf32 ? NativeMethods.CublasTf32TensorOpMath : NativeMethods.CublasPedanticMath;
        CudaException.CheckBlas(NativeMethods.CublasSetMathMode(blas, mode), "cublasSetMathMode");
    }

    public GpuInfo Gpu { get; }

    public bool Tf32 { get; }

    public CachingAllocator Allocator { get; }

    internal KernelModule Kernels => _kernels;

    internal IntPtr Stream => _stream;

    /// <summary>A new device array of <paramref name="elements"/> 4-byte elements, from the cache when it can be.</summary>
    public DeviceBuffer Allocate(long elements) => new(Allocator, elements);

    /// <summary>
    /// Makes this context the calling thread's current one. The driver keeps the current context per thread, so a context used from
    /// another thread than the one that made it (a validator's replays run on the thread pool) must be made current there first.
    /// </summary>
    public void MakeCurrent() => CudaException.Check(NativeMethods.CuCtxSetCurrent(_context), "cuCtxSetCurrent");

    /// <summary>
    /// Waits for all work of the context, the copies' default stream included: uploads and memsets run on the default stream, which
    /// the trainer's non-blocking stream does not wait for, so code that mixes them in one sequence (the op checks) waits here between.
    /// </summary>
    public void SynchronizeAll() => CudaException.Check(NativeMethods.CuCtxSynchronize(), "cuCtxSynchronize");

    /// <summary>Waits until every launch so far has finished; surfaces any asynchronous kernel error.</summary>
    public void Synchronize() => CudaException.Check(NativeMethods.CuStreamSynchronize(_stream), "cuStreamSynchronize");

    /// <summary>
    /// Row-major C(m,n) = op(A)·op(B) + beta·C with op(A): (m,k), op(B): (k,n). cuBLAS is column-major, so this computes
    /// Cᵀ = op(B)ᵀ·op(A)ᵀ, which is the same memory.
    /// </summary>
    public void Gemm(bool transA, bool transB, int m, int n, int k, ulong a, ulong b, ulong c, float beta = 0f)
    {
        float alpha = 1f;
        int lda = transA ? m : k, ldb = transB ? k : n;
        CudaException.CheckBlas(NativeMethods.CublasSgemm(_blas, transB ? NativeMethods.CublasOpT : NativeMethods.CublasOpN,
            transA ? NativeMethods.CublasOpT : NativeMethods.CublasOpN, n, m, k, &alpha, b, ldb, a, lda, &beta, c, n), "cublasSgemm");
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Synchronize();
        NativeMethods.CublasDestroy(_blas);
        _kernels.Dispose();
        Allocator.Dispose();
        NativeMethods.CuStreamDestroy(_stream);
    }
}
