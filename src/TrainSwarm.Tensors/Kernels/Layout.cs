using System.Numerics.Tensors;
using TrainSwarm.Tensors.Threading;

namespace TrainSwarm.Tensors.Kernels;

/// <summary>
/// Moves planes between the GEMM's channel-major layout (C, B, S) and the tensors' batch-major NCHW layout
/// (B, C, S). Memory-bound, so it runs on every thread, one channel per work item.
/// </summary>
public static class Layout
{
    [ThreadStatic] private static PermuteJob? t_job;

    /// <summary>(C, B, S) -> (B, C, S), adding bias[c] to channel c when a bias is given.</summary>
    public static void ChannelMajorToBatchMajor(ReadOnlySpan<float> src, Span<float> dst, int batch, int channels, int plane, ReadOnlySpan<float> bias) =>
        Run(src, dst, batch, channels, plane, bias, toBatchMajor: true);

    /// <summary>(B, C, S) -> (C, B, S).</summary>
    public static void BatchMajorToChannelMajor(ReadOnlySpan<float> src, Span<float> dst, int batch, int channels, int plane) =>
        Run(src, dst, batch, channels, plane, default, toBatchMajor: false);

    private static unsafe void Run(ReadOnlySpan<float> src, Span<float> dst, int batch, int channels, int plane, ReadOnlySpan<float> bias, bool toBatchMajor)
    {
        long n = (long)batch * channels * plane;
        if (src.Length < n || dst.Length < n || (!bias.IsEmpty && bias.Length < channels))
            throw new ArgumentException("layout buffers are smaller than the shape");
        fixed (float* ps = src)
        fixed (float* pd = dst)
        fixed (float* pb = bias)
        {
            var job = t_job ??= new PermuteJob();
            (job.Src, job.Dst, job.Bias, job.Batch, job.Plane, job.Channels, job.ToBatchMajor) =
                ((nint)ps, (nint)pd, bias.IsEmpty ? 0 : (nint)pb, batch, plane, channels, toBatchMajor);
            WorkerPool.Run(job, channels);
        }
    }

    private sealed unsafe class PermuteJob : RangeJob
    {
        public nint Src, Dst, Bias;
        public int Batch, Plane, Channels;
        public bool ToBatchMajor;

        public override void Execute(int start, int end)
        {
            for (int c = start; c < end; c++)
                for (int n = 0; n < Batch; n++)
                {
                    long channelMajor = ((long)c * Batch + n) * Plane, batchMajor = ((long)n * Channels + c) * Plane;
                    var from = new ReadOnlySpan<float>((float*)Src + (ToBatchMajor ? channelMajor : batchMajor), Plane);
                    var to = new Span<float>((float*)Dst + (ToBatchMajor ? batchMajor : channelMajor), Plane);
                    if (Bias != 0) TensorPrimitives.Add(from, ((float*)Bias)[c], to);
                    else from.CopyTo(to);
                }
        }
    }
}
