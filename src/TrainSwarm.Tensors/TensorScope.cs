namespace TrainSwarm.Tensors;

/// <summary>
/// Owns every tensor and scratch buffer made on this thread while it is active, and gives their storage back
/// to the pool when disposed. A training step runs inside one scope; parameters and optimizer state are made
/// outside any scope (<see cref="Tensor.Persistent(int[])"/>) and live on.
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? t_current;

    private readonly TensorScope? _parent;
    private readonly List<Tensor> _tensors = new(64);
    private readonly List<float[]> _floatBuffers = new(16);
    private readonly List<int[]> _intBuffers = new(8);
    private bool _disposed;

    private TensorScope(TensorScope? parent) => _parent = parent;

    /// <summary>The innermost active scope on this thread, if any.</summary>
    public static TensorScope? Current => t_current;

    /// <summary>Starts a scope on this thread; dispose it to release what was made inside.</summary>
    public static TensorScope Begin()
    {
        var scope = new TensorScope(t_current);
        t_current = scope;
        return scope;
    }

    internal void Track(Tensor t) => _tensors.Add(t);

    /// <summary>Registers a pooled scratch buffer to return when the scope ends (or returns it now if no scope is active).</summary>
    internal static void TrackBuffer(float[] buffer)
    {
        if (t_current is { } s) s._floatBuffers.Add(buffer);
    }

    internal static void TrackBuffer(int[] buffer)
    {
        if (t_current is { } s) s._intBuffers.Add(buffer);
    }

    /// <summary>Releases everything made so far but keeps the scope active, so a training loop needs one scope, not one per step.</summary>
    public void Reset()
    {
        foreach (var t in _tensors) t.Release();
        foreach (var b in _floatBuffers) TensorPool.Return(b);
        foreach (var b in _intBuffers) TensorPool.ReturnInts(b);
        _tensors.Clear();
        _floatBuffers.Clear();
        _intBuffers.Clear();
    }

    /// <summary>Releases everything made inside the scope and makes the enclosing scope current again.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Reset();
        if (t_current == this) t_current = _parent;
    }
}
