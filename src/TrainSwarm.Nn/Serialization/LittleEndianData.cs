using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace TrainSwarm.Nn.Serialization;

/// <summary>Converts typed arrays to and from the little-endian bytes safetensors stores.</summary>
internal static class LittleEndianData
{
    /// <summary>Writes the elements of <paramref name="data"/> as little-endian bytes.</summary>
    public static void Write(Stream stream, Array data)
    {
        switch (data)
        {
            case float[] f: WriteSpan<float, int>(stream, f); break;
            case int[] i: WriteSpan<int, int>(stream, i); break;
            case long[] l: WriteSpan<long, long>(stream, l); break;
            case sbyte[] b: stream.Write(MemoryMarshal.AsBytes(b.AsSpan())); break;
            default: throw new ArgumentException($"unsupported array type {data.GetType()}", nameof(data));
        }
    }

    /// <summary>Decodes <paramref name="bytes"/> into a new array of <paramref name="dtype"/> elements.</summary>
    public static Array Read(ReadOnlySpan<byte> bytes, SafeTensorsDtype dtype) => dtype switch
    {
        SafeTensorsDtype.F32 => ReadSpan<float, int>(bytes),
        SafeTensorsDtype.I32 => ReadSpan<int, int>(bytes),
        SafeTensorsDtype.I64 => ReadSpan<long, long>(bytes),
        SafeTensorsDtype.I8 => MemoryMarshal.Cast<byte, sbyte>(bytes).ToArray(),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype)),
    };

    // TBits is the same-sized integer used to swap bytes on a big-endian host; little-endian hosts copy directly.
    private static void WriteSpan<T, TBits>(Stream stream, T[] data)
        where T : unmanaged where TBits : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(data.AsSpan());
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(bytes);
            return;
        }
        byte[] swapped = bytes.ToArray();
        Swap<TBits>(swapped);
        stream.Write(swapped);
    }

    private static T[] ReadSpan<T, TBits>(ReadOnlySpan<byte> bytes)
        where T : unmanaged where TBits : unmanaged
    {
        T[] result = new T[bytes.Length / Marshal.SizeOf<T>()];
        Span<byte> target = MemoryMarshal.AsBytes(result.AsSpan());
        bytes.CopyTo(target);
        if (!BitConverter.IsLittleEndian) Swap<TBits>(target);
        return result;
    }

    private static void Swap<TBits>(Span<byte> bytes) where TBits : unmanaged
    {
        if (typeof(TBits) == typeof(int))
        {
            Span<int> v = MemoryMarshal.Cast<byte, int>(bytes);
            BinaryPrimitives.ReverseEndianness(v, v);
        }
        else
        {
            Span<long> v = MemoryMarshal.Cast<byte, long>(bytes);
            BinaryPrimitives.ReverseEndianness(v, v);
        }
    }
}
