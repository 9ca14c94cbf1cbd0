namespace TrainSwarm.Nn.Serialization;

/// <summary>
/// One named, typed, shaped array: an entry of a safetensors file. Independent of the Tensor class so that
/// blobs, validators and tools can read and write weights without the engine.
/// </summary>
public sealed class NamedArray
{
    private readonly Array _data;

    private NamedArray(string name, SafeTensorsDtype dtype, int[] shape, Array data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        long count = ElementCountOf(shape);
        if (count != data.LongLength)
        {
            throw new ArgumentException(
                $"tensor '{name}': shape [{string.Join(",", shape)}] needs {count} elements, data has {data.LongLength}",
                nameof(shape));
        }
        Name = name;
        Dtype = dtype;
        Shape = (int[])shape.Clone();
        _data = data;
    }

    /// <summary>The tensor's name, e.g. a state_dict key such as "0.weight".</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafeTensorsDtype Dtype { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<int> Shape { get; }

    /// <summary>The number of elements (1 for a scalar).</summary>
    public long ElementCount => _data.LongLength;

    /// <summary>The number of data bytes this entry occupies in a file.</summary>
    public long ByteLength => _data.LongLength * SafeTensorsDtypes.SizeOf(Dtype);

    /// <summary>A float32 entry; <paramref name="data"/> is kept, not copied.</summary>
    public static NamedArray F32(string name, float[] data, params int[] shape) => new(name, SafeTensorsDtype.F32, shape, data);

    /// <summary>An int8 entry; <paramref name="data"/> is kept, not copied.</summary>
    public static NamedArray I8(string name, sbyte[] data, params int[] shape) => new(name, SafeTensorsDtype.I8, shape, data);

    /// <summary>An int32 entry; <paramref name="data"/> is kept, not copied.</summary>
    public static NamedArray I32(string name, int[] data, params int[] shape) => new(name, SafeTensorsDtype.I32, shape, data);

    /// <summary>An int64 entry; <paramref name="data"/> is kept, not copied.</summary>
    public static NamedArray I64(string name, long[] data, params int[] shape) => new(name, SafeTensorsDtype.I64, shape, data);

    /// <summary>The float32 data; throws <see cref="SafeTensorsFormatException"/> if the entry is another dtype.</summary>
    public float[] AsF32() => As<float>(SafeTensorsDtype.F32);

    /// <summary>The int8 data; throws <see cref="SafeTensorsFormatException"/> if the entry is another dtype.</summary>
    public sbyte[] AsI8() => As<sbyte>(SafeTensorsDtype.I8);

    /// <summary>The int32 data; throws <see cref="SafeTensorsFormatException"/> if the entry is another dtype.</summary>
    public int[] AsI32() => As<int>(SafeTensorsDtype.I32);

    /// <summary>The int64 data; throws <see cref="SafeTensorsFormatException"/> if the entry is another dtype.</summary>
    public long[] AsI64() => As<long>(SafeTensorsDtype.I64);

    /// <summary>Throws <see cref="SafeTensorsFormatException"/> unless the shape equals <paramref name="expected"/>.</summary>
    public void EnsureShape(params int[] expected)
    {
        if (!Shape.SequenceEqual(expected))
        {
            throw new SafeTensorsFormatException(
                $"tensor '{Name}' has shape [{string.Join(",", Shape)}], expected [{string.Join(",", expected)}]");
        }
    }

    internal Array RawData => _data;

    internal static NamedArray FromRaw(string name, SafeTensorsDtype dtype, int[] shape, Array data) => new(name, dtype, shape, data);

    internal static long ElementCountOf(IReadOnlyList<int> shape)
    {
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension {d}", nameof(shape));
            count = checked(count * d);
        }
        return count;
    }

    private T[] As<T>(SafeTensorsDtype dtype)
    {
        if (Dtype != dtype)
        {
            throw new SafeTensorsFormatException(
                $"tensor '{Name}' is {SafeTensorsDtypes.HeaderName(Dtype)}, expected {SafeTensorsDtypes.HeaderName(dtype)}");
        }
        return (T[])_data;
    }
}
