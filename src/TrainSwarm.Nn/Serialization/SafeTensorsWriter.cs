using System.Buffers.Binary;
using System.Text.Json;

namespace TrainSwarm.Nn.Serialization;

/// <summary>Writes safetensors files that PyTorch and Hugging Face tools read.</summary>
public static class SafeTensorsWriter
{
    /// <summary>The reserved header key for string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>
    /// Writes <paramref name="tensors"/> and optional <paramref name="metadata"/> to <paramref name="stream"/>.
    /// The bytes depend only on the inputs, never on their order in the list.
    /// </summary>
    public static void Write(Stream stream, IReadOnlyList<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        NamedArray[] ordered = Order(tensors);
        byte[] header = Header(ordered, metadata);

        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (NamedArray t in ordered) LittleEndianData.Write(stream, t.RawData);
    }

    /// <summary>The file's bytes in memory.</summary>
    /// <remarks>
    /// Written into one array of the exact size: a growing MemoryStream would copy a 1 MB training state several
    /// times per call, and training commits one every few steps.
    /// </remarks>
    public static byte[] ToBytes(IReadOnlyList<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var bytes = new byte[checked((int)ByteLength(tensors, metadata))];
        using var ms = new MemoryStream(bytes, writable: true);
        Write(ms, tensors, metadata);
        if (ms.Position != bytes.Length) throw new InvalidOperationException("safetensors size mismatch");
        return bytes;
    }

    /// <summary>Lowercase hex SHA-256 of the file's bytes, computed without holding them in memory.</summary>
    public static string Sha256Hex(IReadOnlyList<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var hash = new HashingStream();
        Write(hash, tensors, metadata);
        return Convert.ToHexStringLower(hash.Finish());
    }

    /// <summary>
    /// Whether <see cref="Write"/> would produce exactly <paramref name="bytes"/>, found without producing them (a validator
    /// checks an upload against the weights it should encode, and the encoding would be one more copy of the file).
    /// </summary>
    public static bool Matches(IReadOnlyList<NamedArray> tensors, ReadOnlyMemory<byte> bytes, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var compare = new ComparingStream(bytes);
        Write(compare, tensors, metadata);
        return compare.Matched;
    }

    /// <summary>The size of the file <see cref="Write"/> produces.</summary>
    public static long ByteLength(IReadOnlyList<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        NamedArray[] ordered = Order(tensors);
        return 8L + Header(ordered, metadata).Length + ordered.Sum(t => t.ByteLength);
    }

    /// <summary>
    /// Writes to <paramref name="path"/> through a temporary file in the same directory, so a reader never sees
    /// a half-written model and a crash leaves the old file in place.
    /// </summary>
    public static void WriteFile(string path, IReadOnlyList<NamedArray> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        string full = Path.GetFullPath(path);
        string temp = full + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp";
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Write(fs, tensors, metadata);
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    // Like the reference implementation: larger elements first, then by name. With the header padded to a
    // multiple of 8, every tensor's data then starts at an offset aligned to its element size.
    private static NamedArray[] Order(IReadOnlyList<NamedArray> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (NamedArray t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            if (t.Name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved and cannot name a tensor", nameof(tensors));
            if (!names.Add(t.Name)) throw new ArgumentException($"duplicate tensor name '{t.Name}'", nameof(tensors));
        }
        return tensors
            .OrderByDescending(t => SafeTensorsDtypes.SizeOf(t.Dtype))
            .ThenBy(t => t.Name, StringComparer.Ordinal)
            .ToArray();
    }

    private static byte[] Header(NamedArray[] ordered, IReadOnlyDictionary<string, string>? metadata)
    {
        using var ms = new MemoryStream();
        using (var json = new Utf8JsonWriter(ms))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                foreach (KeyValuePair<string, string> kv in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    json.WriteString(kv.Key, kv.Value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (NamedArray t in ordered)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", SafeTensorsDtypes.HeaderName(t.Dtype));
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + t.ByteLength);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += t.ByteLength;
            }
            json.WriteEndObject();
        }
        // The format pads the header with spaces (valid JSON whitespace) so the data section starts 8-aligned.
        int padding = (int)(-ms.Length & 7);
        for (int i = 0; i < padding; i++) ms.WriteByte((byte)' ');
        return ms.ToArray();
    }
}
