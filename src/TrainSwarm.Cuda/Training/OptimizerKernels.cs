using TrainSwarm.Cuda.Kernels;

namespace TrainSwarm.Cuda.Training;

/// <summary>The one launch of an optimizer step over packed parameters: the trainers' and the op checks' (<see cref="TrainSwarm.Cuda.Ops.GpuOps"/>).</summary>
internal static class OptimizerKernels
{
    /// <summary>
    /// Queues step <paramref name="step"/> (1-based) of <paramref name="o"/> over <paramref name="count"/> values at <paramref name="values"/>
    /// with their gradients; Adam keeps its first and second moments in <paramref name="state1"/> and <paramref name="state2"/>, SGD its
    /// momentum buffer in <paramref name="state1"/>.
    /// </summary>
    public static void Queue(CudaContext gpu, GpuOptimizerSettings o, int step, ulong values, ulong gradients, ulong state1, ulong state2, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(step);
        uint grid = KernelModule.GridFor(count);
        if (o.Name == "adam")
        {
            // Bias corrections in double, then rounded, exactly as the CPU engine's Adam computes them.
            float stepSize = (float)(o.LearningRate / (1 - Math.Pow(o.Beta1, step)));
            float bc2Sqrt = (float)Math.Sqrt(1 - Math.Pow(o.Beta2, step));
            gpu.Kernels.Launch("adam", grid, [values, gradients, state1, state2, KernelArg.Float(o.Beta1), KernelArg.Float(o.Beta2),
                KernelArg.Float(stepSize), KernelArg.Float(bc2Sqrt), KernelArg.Float(o.Eps), KernelArg.Long(count)]);
        }
        else
        {
            gpu.Kernels.Launch("sgd", grid, [values, gradients, state1, KernelArg.Float(o.LearningRate), KernelArg.Float(o.Momentum),
                KernelArg.Int(step > 1 ? 1 : 0), KernelArg.Long(count)]);
        }
    }
}
