using TrainSwarm.Cuda.Kernels;
using TrainSwarm.Cuda.Memory;

namespace TrainSwarm.Cuda.Training;

/// <summary>Reads a step's mean loss back from the per-row losses (one thread sums them in order, so the bits repeat).</summary>
internal static class GpuLoss
{
    public static float Mean(CudaContext gpu, DeviceBuffer rowLoss, int rows, DeviceBuffer scratch)
    {
        gpu.Kernels.Launch("mean", 1, [rowLoss.Address, KernelArg.Int(rows), scratch.Address]);
        Span<float> loss = stackalloc float[1];
        gpu.Synchronize();
        scratch.Download(loss);
        return loss[0];
    }
}
