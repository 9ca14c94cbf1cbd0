using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Tensors;

/// <summary>
/// A contiguous, row-major float32 tensor. Storage comes from <see cref="TensorPool"/>; tensors made inside a
/// <see cref="TensorScope"/> give their storage back when the scope ends, so a training step allocates nothing
/// large in steady state.
/// </summary>
public sealed class Tensor
{
    private float[]? _data;
    private readonly int[] _shape;

    internal Tensor(float[] data, int[] shape, bool ownsStorage, bool scoped)
    {
        _data = data;
        _shape = shape;
        Length = ShapeUtil.Count(shape);
        if (data.Length < Length) throw new ArgumentException("storage is smaller than the shape");
        OwnsStorage = ownsStorage;
        if (scoped) TensorScope.Current?.Track(this);
    }

    /// <summary>Dimensions, outermost first. Do not modify the returned array.</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Whether backward should compute a gradient for this tensor.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>The accumulated gradient, same shape; null until a backward pass reaches this tensor.</summary>
    public Tensor? Grad { get; internal set; }

    /// <summary>The operation that produced this tensor, if it was recorded for autograd.</summary>
    internal GradNode? GradFn { get; set; }

    /// <summary>A leaf was made by the user (parameters, inputs), not by a recorded operation.</summary>
    public bool IsLeaf => GradFn is null;

    internal bool OwnsStorage { get; }

    /// <summary>Used by the backward pass to visit each node once without a hash set.</summary>
    internal int VisitMark;

    internal float[] Data => _data ?? throw new ObjectDisposedException(nameof(Tensor), "this tensor's scope has ended");

    internal int[] ShapeArray => _shape;

    /// <summary>The elements, row-major.</summary>
    public Span<float> Span => Data.AsSpan(0, Length);

    /// <summary>Size of dimension <paramref name="dim"/>; negative counts from the end.</summary>
    public int Size(int dim) => _shape[dim < 0 ? dim + _shape.Length : dim];

    /// <summary>The value of a one-element tensor.</summary>
    public float Item() => Length == 1 ? Data[0] : throw new InvalidOperationException($"Item() needs one element, this tensor has {Length}");

    /// <summary>A copy of the elements.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <summary>Shape as text, e.g. (64, 1, 28, 28).</summary>
    public string ShapeText => ShapeUtil.Format(_shape);

    public override string ToString() => $"Tensor{ShapeText}";

    /// <summary>A new zero-filled tensor (pooled; scoped if a scope is active).</summary>
    public static Tensor Zeros(params int[] shape)
    {
        var t = Empty(shape);
        t.Span.Clear();
        return t;
    }

    /// <summary>A new tensor whose contents are undefined: for kernels that overwrite every element.</summary>
    public static Tensor Empty(params int[] shape)
    {
        ShapeUtil.Validate(shape);
        return new Tensor(TensorPool.Rent(ShapeUtil.Count(shape)), (int[])shape.Clone(), ownsStorage: true, scoped: true);
    }

    /// <summary>A tensor that copies <paramref name="values"/>.</summary>
    public static Tensor FromArray(ReadOnlySpan<float> values, params int[] shape)
    {
        ShapeUtil.Validate(shape);
        if (values.Length != ShapeUtil.Count(shape))
            throw new ArgumentException($"{values.Length} values do not fill shape {ShapeUtil.Format(shape)}");
        var t = Empty(shape);
        values.CopyTo(t.Span);
        return t;
    }

    /// <summary>
    /// A long-lived tensor (parameters, optimizer state): plain GC storage, never returned to the pool,
    /// never tracked by a scope.
    /// </summary>
    public static Tensor Persistent(params int[] shape)
    {
        ShapeUtil.Validate(shape);
        return new Tensor(new float[ShapeUtil.Count(shape)], (int[])shape.Clone(), ownsStorage: false, scoped: false);
    }

    /// <summary>A persistent tensor filled from <paramref name="values"/>.</summary>
    public static Tensor Persistent(ReadOnlySpan<float> values, params int[] shape)
    {
        var t = Persistent(shape);
        if (values.Length != t.Length) throw new ArgumentException($"{values.Length} values do not fill shape {ShapeUtil.Format(shape)}");
        values.CopyTo(t.Span);
        return t;
    }

    /// <summary>A view sharing this tensor's storage with another shape of the same element count.</summary>
    internal Tensor View(int[] shape) => new(Data, shape, ownsStorage: false, scoped: true);

    /// <summary>Gives the storage back to the pool; the tensor is unusable afterwards.</summary>
    internal void Release()
    {
        if (OwnsStorage && _data is not null) TensorPool.Return(_data);
        _data = null;
        GradFn = null;
        Grad = null;
    }

    /// <summary>Sets the gradient to zero (keeps the buffer for reuse).</summary>
    public void ZeroGrad() => Grad?.Span.Clear();
}
