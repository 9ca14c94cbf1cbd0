namespace TrainSwarm.Tensors.Threading;

/// <summary>
/// A loop body over [0, count) that the worker pool splits into contiguous chunks. Kernels keep one instance
/// per thread and refill its fields, so running a parallel loop allocates nothing. A job must write disjoint
/// outputs per index: then its result does not depend on how the range was split, which keeps training
/// bitwise identical for any thread count.
/// </summary>
public abstract class RangeJob
{
    internal int Pending;
    internal Exception? Error;
    internal readonly ManualResetEventSlim Done = new(false, spinCount: 200);

    /// <summary>Runs indices [start, end).</summary>
    public abstract void Execute(int start, int end);
}
