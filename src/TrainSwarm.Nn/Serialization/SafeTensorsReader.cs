using System.Buffers.Binary;
using System.Text.Json;

namespace TrainSwarm.Nn.Serialization;

/// <summary>
/// Reads safetensors files and validates them as strictly as the reference implementation: any file it
/// accepts is fully described by its header, and anything else is a <see cref="SafeTensorsFormatException"/>.
/// </summary>
public static partial class SafeTensorsReader
{
    /// <summary>Headers above this size are refused before parsing (the reference implementation caps at 100 MB too).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Reads and validates the file at <paramref name="path"/>; errors name the file.</summary>
    public static SafeTensorsFile Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return Read(bytes);
        }
        catch (SafeTensorsFormatException e)
        {
            throw new SafeTensorsFormatException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>Reads and validates a whole stream (read to its end).</summary>
    public static SafeTensorsFile Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        return Read(ms.GetBuffer().AsSpan(0, (int)ms.Length));
    }

    /// <summary>Reads and validates a file's bytes.</summary>
    public static SafeTensorsFile Read(byte[] bytes) => Read(bytes.AsSpan());

    /// <summary>Reads and validates a file's bytes; the result owns copies of the data.</summary>
    public static SafeTensorsFile Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8)
        {
            throw new SafeTensorsFormatException($"file is {bytes.Length} bytes, shorter than the 8-byte header length");
        }
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes)
        {
            throw new SafeTensorsFormatException($"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit");
        }
        if (headerLength > (ulong)(bytes.Length - 8))
        {
            throw new SafeTensorsFormatException(
                $"header length {headerLength} runs past the end of the file ({bytes.Length - 8} bytes after the length; truncated?)");
        }
        ReadOnlySpan<byte> header = bytes.Slice(8, (int)headerLength);
        ReadOnlySpan<byte> data = bytes[(8 + (int)headerLength)..];

        (List<Entry> entries, Dictionary<string, string> metadata) = ParseHeader(header);
        CheckLayout(entries, data.Length);

        var tensors = new NamedArray[entries.Count];
        for (int i = 0; i < entries.Count; i++)
        {
            Entry e = entries[i];
            Array values = LittleEndianData.Read(data[(int)e.Begin..(int)e.End], e.Dtype);
            tensors[i] = NamedArray.FromRaw(e.Name, e.Dtype, e.Shape, values);
        }
        return new SafeTensorsFile(tensors, metadata);
    }

    private sealed record Entry(string Name, SafeTensorsDtype Dtype, int[] Shape, long Begin, long End);

    // Sorted by offset, the tensors must tile the data section exactly: no gap, no overlap, nothing past the end
    // and no trailing bytes. That makes every accepted file's bytes fully accounted for by its header.
    private static void CheckLayout(List<Entry> entries, long dataLength)
    {
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        foreach (Entry e in entries)
        {
            if (e.End > dataLength)
            {
                throw new SafeTensorsFormatException(
                    $"tensor '{e.Name}': data_offsets [{e.Begin},{e.End}] run past the data section ({dataLength} bytes; truncated?)");
            }
            if (e.Begin < expected)
            {
                throw new SafeTensorsFormatException($"tensor '{e.Name}': data_offsets [{e.Begin},{e.End}] overlap the previous tensor (ends at {expected})");
            }
            if (e.Begin > expected)
            {
                throw new SafeTensorsFormatException($"tensor '{e.Name}': data_offsets [{e.Begin},{e.End}] leave a gap after byte {expected}");
            }
            expected = e.End;
        }
        if (expected != dataLength)
        {
            throw new SafeTensorsFormatException($"data section is {dataLength} bytes but the tensors cover {expected}");
        }
    }
}
