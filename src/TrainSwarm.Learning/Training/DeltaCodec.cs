using System.Globalization;
using System.Numerics.Tensors;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Learning.Training;

/// <summary>
/// Encodes a weight update (trained − base, per parameter) as safetensors. <c>f32</c> keeps every value;
/// <c>int8</c> stores round(v / scale) with one scale per tensor (max |v| / 127) in the metadata as
/// <c>scale.NAME</c>, cutting the upload to about a quarter. Names and shapes stay the model's own.
/// </summary>
public static class DeltaCodec
{
    /// <summary>The encodings a node may choose.</summary>
    public static readonly IReadOnlyList<string> Encodings = ["f32", "int8"];

    private const string EncodingKey = "encoding";
    private const string ScalePrefix = "scale.";

    /// <summary>The delta <paramref name="trained"/> − <paramref name="baseWeights"/>, tensor by tensor (same names, same order).</summary>
    public static List<NamedArray> Difference(IReadOnlyList<NamedArray> trained, IReadOnlyList<NamedArray> baseWeights)
    {
        if (trained.Count != baseWeights.Count)
            throw new ArgumentException("the two weight sets have different tensors");
        var delta = new List<NamedArray>(trained.Count);
        for (var i = 0; i < trained.Count; i++)
        {
            var (t, b) = (trained[i], baseWeights[i]);
            if (t.Name != b.Name || !t.Shape.SequenceEqual(b.Shape))
                throw new ArgumentException($"tensor {i} differs: {t.Name} vs {b.Name}");
            var values = new float[t.ElementCount];
            TensorPrimitives.Subtract(t.AsF32(), b.AsF32(), values);
            delta.Add(NamedArray.F32(t.Name, values, [.. t.Shape]));
        }
        return delta;
    }

    /// <summary>
    /// Whether <paramref name="update"/> is exactly <see cref="Encode"/> of <paramref name="trained"/> − <paramref name="baseWeights"/>
    /// in <paramref name="encoding"/>, checked without encoding a copy of the file. <paramref name="trained"/>'s arrays are
    /// overwritten with the delta: the caller hands over weights it parsed for this check alone.
    /// </summary>
    public static bool MatchesInPlace(List<NamedArray> trained, IReadOnlyList<NamedArray> baseWeights, string encoding, ReadOnlyMemory<byte> update)
    {
        ArgumentNullException.ThrowIfNull(trained);
        ArgumentNullException.ThrowIfNull(baseWeights);
        if (trained.Count != baseWeights.Count)
            throw new ArgumentException("the two weight sets have different tensors");
        for (var i = 0; i < trained.Count; i++)
        {
            var (t, b) = (trained[i], baseWeights[i]);
            if (t.Name != b.Name || !t.Shape.SequenceEqual(b.Shape))
                throw new ArgumentException($"tensor {i} differs: {t.Name} vs {b.Name}");
            // The same subtraction Difference makes, element for element, so the bits are the same.
            TensorPrimitives.Subtract(t.AsF32(), b.AsF32(), t.AsF32());
        }
        return encoding == "f32"
            ? SafeTensorsWriter.Matches(trained, update, Metadata(encoding))
            : Encode(trained, encoding).AsSpan().SequenceEqual(update.Span);
    }

    private static Dictionary<string, string> Metadata(string encoding) => new(StringComparer.Ordinal) { [EncodingKey] = encoding };

    /// <summary>Serializes a delta in <paramref name="encoding"/> (<c>f32</c> or <c>int8</c>).</summary>
    public static byte[] Encode(IReadOnlyList<NamedArray> delta, string encoding)
    {
        var metadata = Metadata(encoding);
        switch (encoding)
        {
            case "f32":
                return SafeTensorsWriter.ToBytes(delta, metadata);
            case "int8":
                var quantized = new List<NamedArray>(delta.Count);
                foreach (var tensor in delta)
                {
                    var values = tensor.AsF32();
                    var max = values.Length == 0 ? 0f : TensorPrimitives.MaxMagnitude(values);
                    // MaxMagnitude returns the signed value of largest magnitude, so take its absolute value.
                    var scale = Math.Abs(max) > 0 ? Math.Abs(max) / 127f : 1f;
                    var q = new sbyte[values.Length];
                    for (var i = 0; i < values.Length; i++)
                        q[i] = (sbyte)Math.Clamp(MathF.Round(values[i] / scale), -127f, 127f);
                    metadata[ScalePrefix + tensor.Name] = scale.ToString("R", CultureInfo.InvariantCulture);
                    quantized.Add(NamedArray.I8(tensor.Name, q, [.. tensor.Shape]));
                }
                return SafeTensorsWriter.ToBytes(quantized, metadata);
            default:
                throw new ArgumentException($"unknown update encoding '{encoding}'; choose one of: {string.Join(", ", Encodings)}");
        }
    }

    /// <summary>
    /// Reads an update back as f32 tensors. Throws <see cref="SafeTensorsFormatException"/> for bytes that are not
    /// safetensors, and <see cref="InvalidDataException"/> for a missing or bad scale or an unexpected dtype.
    /// </summary>
    public static List<NamedArray> Decode(ReadOnlySpan<byte> bytes, out string encoding)
    {
        var file = SafeTensorsReader.Read(bytes);
        encoding = file.Metadata.TryGetValue(EncodingKey, out var e) ? e : "f32";
        var result = new List<NamedArray>(file.Tensors.Count);
        foreach (var tensor in file.Tensors)
        {
            switch (tensor.Dtype)
            {
                case SafeTensorsDtype.F32 when encoding == "f32":
                    result.Add(tensor);
                    break;
                case SafeTensorsDtype.I8 when encoding == "int8":
                    if (!file.Metadata.TryGetValue(ScalePrefix + tensor.Name, out var text)
                        || !float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var scale)
                        || !float.IsFinite(scale) || scale <= 0)
                        throw new InvalidDataException($"tensor {tensor.Name} has no valid scale");
                    var q = tensor.AsI8();
                    var values = new float[q.Length];
                    for (var i = 0; i < q.Length; i++)
                        values[i] = q[i] * scale;
                    result.Add(NamedArray.F32(tensor.Name, values, [.. tensor.Shape]));
                    break;
                default:
                    throw new InvalidDataException($"tensor {tensor.Name} has dtype {tensor.Dtype}, which a {encoding} update may not hold");
            }
        }
        return result;
    }
}
