namespace TrainSwarm.Tensors.Autograd;

/// <summary>
/// The recorded backward of one operation. Inputs sit in fixed fields rather than an array so that recording
/// an operation allocates only the node itself.
/// </summary>
internal abstract class GradNode
{
    public Tensor? Input0;
    public Tensor? Input1;
    public Tensor? Input2;

    /// <summary>Propagates <c>output.Grad</c> into the inputs' gradients.</summary>
    public abstract void Backward(Tensor output);

    /// <summary>
    /// The gradient buffer to write <paramref name="input"/>'s contribution into, or null if it needs none.
    /// <paramref name="accumulate"/> says whether to add to it (it already holds a contribution, or it is a
    /// leaf whose gradient accumulates across passes) or overwrite it (a fresh, uninitialized buffer).
    /// </summary>
    protected static Tensor? GradSlot(Tensor? input, out bool accumulate)
    {
        accumulate = false;
        if (input is null || !input.RequiresGrad) return null;
        if (input.Grad is { } existing)
        {
            accumulate = true;
            return existing;
        }
        if (input.IsLeaf)
        {
            // Leaf gradients outlive the step (the optimizer reads them), so they are not pooled or scoped.
            input.Grad = Tensor.Persistent(input.ShapeArray);
            accumulate = true;
            return input.Grad;
        }
        input.Grad = Tensor.Empty(input.ShapeArray);
        return input.Grad;
    }

    /// <summary>Writes <paramref name="source"/> into <paramref name="target"/>, adding when accumulating.</summary>
    protected static void Store(ReadOnlySpan<float> source, Span<float> target, bool accumulate)
    {
        if (accumulate) System.Numerics.Tensors.TensorPrimitives.Add(target, source, target);
        else source.CopyTo(target);
    }
}

/// <summary>Whether operations are recorded for backward on this thread.</summary>
public static class GradMode
{
    [ThreadStatic] private static int t_disabledDepth;

    /// <summary>True unless inside <see cref="NoGrad"/>.</summary>
    public static bool IsEnabled => t_disabledDepth == 0;

    /// <summary>Stops recording until the returned handle is disposed (evaluation, optimizer steps).</summary>
    public static NoGradHandle NoGrad()
    {
        t_disabledDepth++;
        return default;
    }

    /// <summary>Restores recording when disposed.</summary>
    public readonly struct NoGradHandle : IDisposable
    {
        public void Dispose() => t_disabledDepth--;
    }

    /// <summary>Whether an op over these inputs must be recorded.</summary>
    internal static bool ShouldRecord(Tensor a, Tensor? b = null, Tensor? c = null) =>
        t_disabledDepth == 0 && (a.RequiresGrad || (b?.RequiresGrad ?? false) || (c?.RequiresGrad ?? false));
}
