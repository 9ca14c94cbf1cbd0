using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace TrainSwarm.Learning.Data;

/// <summary>A numeric array read from a MATLAB file: its class, its dimensions (column-major) and its values.</summary>
/// <param name="Name">The variable name.</param>
/// <param name="Dimensions">The sizes, first (fastest-varying, MATLAB is column-major) first.</param>
/// <param name="Bytes">The elements of a uint8 array, else null.</param>
/// <param name="Values">The elements of a double array, else null.</param>
public sealed record MatArray(string Name, int[] Dimensions, byte[]? Bytes, double[]? Values)
{
    /// <summary>The number of elements.</summary>
    public long Count => Dimensions.Aggregate(1L, (a, d) => a * d);
}

/// <summary>
/// Reads what SVHN's files need of the MATLAB level-5 MAT format, little-endian: a 128-byte header, then data elements, each
/// a miMATRIX (array flags, dimensions, name, real part) or a miCOMPRESSED zlib stream holding one. Only real, non-sparse uint8
/// and double arrays are returned; their stored element type may be any numeric one (MATLAB stores a double array of small
/// integers as miUINT8). Other variables (structs, cells, chars, sparse) are skipped when unnamed in the request, refused otherwise.
/// </summary>
public static class MatFile
{
    private const int HeaderBytes = 128;
    private const int MiInt8 = 1, MiUInt8 = 2, MiInt16 = 3, MiUInt16 = 4, MiInt32 = 5, MiUInt32 = 6, MiSingle = 7, MiDouble = 9;
    private const int MiInt64 = 12, MiUInt64 = 13, MiMatrix = 14, MiCompressed = 15;
    private const int MxDouble = 6, MxUInt8 = 9;
    private const int ComplexFlag = 0x800;

    /// <summary>The arrays called <paramref name="names"/> in the file at <paramref name="path"/>; every one must be there.</summary>
    public static IReadOnlyDictionary<string, MatArray> Read(string path, params string[] names)
    {
        using var fs = File.OpenRead(path);
        return Read(fs, path, names);
    }

    /// <summary>The arrays called <paramref name="names"/> in <paramref name="stream"/>; <paramref name="source"/> names it in errors.</summary>
    public static IReadOnlyDictionary<string, MatArray> Read(Stream stream, string source, params string[] names)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = new byte[HeaderBytes];
        if (stream.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes)
            throw new DataFormatException(source, "truncated: shorter than the 128-byte MAT header");
        if (header[126] == 'M' && header[127] == 'I')
            throw new DataFormatException(source, "a big-endian MAT file; only little-endian ones are read");
        ushort version = BinaryPrimitives.ReadUInt16LittleEndian(header.AsSpan(124));
        if (header[126] != 'I' || header[127] != 'M' || version != 0x0100)
            throw new DataFormatException(source, version == 0x0200
                ? "a MATLAB v7.3 (HDF5) file; only level-5 MAT files are read"
                : "not a level-5 MAT file (no version 0x0100 and 'IM' endian mark at bytes 124-127)");
        var found = new Dictionary<string, MatArray>(StringComparer.Ordinal);
        var tag = new byte[8];
        while (found.Count < names.Length)
        {
            int n = stream.ReadAtLeast(tag, 8, throwOnEndOfStream: false);
            if (n == 0)
                break;
            if (n < 8)
                throw new DataFormatException(source, "truncated inside a data element's tag");
            int type = BinaryPrimitives.ReadInt32LittleEndian(tag);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(tag.AsSpan(4));
            if (type == MiCompressed)
            {
                // The element's bytes are one zlib stream whose content is a whole data element (tag included).
                using var window = new BoundedStream(stream, size);
                using var zlib = new ZLibStream(window, CompressionMode.Decompress, leaveOpen: true);
                try
                {
                    var inner = new byte[8];
                    zlib.ReadExactly(inner);
                    int innerType = BinaryPrimitives.ReadInt32LittleEndian(inner);
                    ReadElement(zlib, source, innerType, BinaryPrimitives.ReadUInt32LittleEndian(inner.AsSpan(4)), names, found);
                }
                catch (InvalidDataException e)
                {
                    throw new DataFormatException(source, $"corrupt compressed element ({e.Message})", e);
                }
                window.SkipRest();
            }
            else
            {
                ReadElement(stream, source, type, size, names, found);
            }
        }
        var missing = names.Where(name => !found.ContainsKey(name)).ToArray();
        if (missing.Length > 0)
        {
            var seen = found.Count == 0 ? "none" : string.Join(", ", found.Keys);
            throw new DataFormatException(source, $"no variable {string.Join(", ", missing)} (found: {seen})");
        }
        return found;
    }

    // One top-level element: a matrix is parsed (kept when named), anything else skipped.
    private static void ReadElement(Stream s, string source, int type, long size, string[] names, Dictionary<string, MatArray> found)
    {
        if (type != MiMatrix)
        {
            Skip(s, source, Padded(size));
            return;
        }
        var body = new MatBody(s, source, size);
        var flags = body.Element();
        if (flags.Type != MiUInt32 || flags.Data.Length < 8)
            throw new DataFormatException(source, "a matrix without its array-flags sub-element");
        int flagWord = BinaryPrimitives.ReadInt32LittleEndian(flags.Data);
        int mxClass = flagWord & 0xff;
        if (mxClass is not (>= MxDouble and <= 15))
        {
            // A cell, struct, object, char or sparse array: not a variable this reader returns.
            body.SkipRest();
            return;
        }
        var dimsElement = body.Element();
        if (dimsElement.Type != MiInt32 || dimsElement.Data.Length < 8)
            throw new DataFormatException(source, "a matrix without its dimensions sub-element");
        var dims = new int[dimsElement.Data.Length / 4];
        for (int i = 0; i < dims.Length; i++)
            dims[i] = BinaryPrimitives.ReadInt32LittleEndian(dimsElement.Data.AsSpan(4 * i));
        if (dims.Any(d => d < 0))
            throw new DataFormatException(source, $"negative dimension in [{string.Join(",", dims)}]");
        var name = Encoding.ASCII.GetString(body.Element().Data);
        if (!names.Contains(name, StringComparer.Ordinal))
        {
            body.SkipRest();
            return;
        }
        if ((flagWord & ComplexFlag) != 0 || mxClass is not (MxDouble or MxUInt8))
            throw new DataFormatException(source, $"variable {name} is {((flagWord & ComplexFlag) != 0 ? "complex" : $"of MATLAB class {mxClass}")}; "
                + "only real uint8 (9) and double (6) arrays are read");
        long count = dims.Aggregate(1L, (a, d) => a * d);
        var real = body.Element();
        int width = ElementSize(real.Type) ?? throw new DataFormatException(source, $"variable {name}: unknown element type {real.Type}");
        if (real.Data.LongLength != count * width)
            throw new DataFormatException(source,
                $"variable {name}: dimensions [{string.Join(",", dims)}] need {count} elements, found {real.Data.Length / width}");
        found[name] = mxClass == MxUInt8
            ? new MatArray(name, dims, real.Type == MiUInt8 ? real.Data : ToBytes(source, name, real, count), null)
            : new MatArray(name, dims, null, ToDoubles(real, count));
        body.SkipRest();
    }

    private static byte[] ToBytes(string source, string name, MatElement e, long count)
    {
        var values = ToDoubles(e, count);
        var bytes = new byte[count];
        for (long i = 0; i < count; i++)
        {
            if (values[i] is < 0 or > 255 || values[i] != Math.Floor(values[i]))
                throw new DataFormatException(source, $"variable {name}: element {i} ({values[i]}) is not a uint8");
            bytes[i] = (byte)values[i];
        }
        return bytes;
    }

    private static double[] ToDoubles(MatElement e, long count)
    {
        var d = e.Data.AsSpan();
        var values = new double[count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = e.Type switch
            {
                MiInt8 => (sbyte)d[i],
                MiUInt8 => d[i],
                MiInt16 => BinaryPrimitives.ReadInt16LittleEndian(d[(2 * i)..]),
                MiUInt16 => BinaryPrimitives.ReadUInt16LittleEndian(d[(2 * i)..]),
                MiInt32 => BinaryPrimitives.ReadInt32LittleEndian(d[(4 * i)..]),
                MiUInt32 => BinaryPrimitives.ReadUInt32LittleEndian(d[(4 * i)..]),
                MiSingle => BinaryPrimitives.ReadSingleLittleEndian(d[(4 * i)..]),
                MiDouble => BinaryPrimitives.ReadDoubleLittleEndian(d[(8 * i)..]),
                MiInt64 => BinaryPrimitives.ReadInt64LittleEndian(d[(8 * i)..]),
                _ => BinaryPrimitives.ReadUInt64LittleEndian(d[(8 * i)..]),
            };
        }
        return values;
    }

    private static int? ElementSize(int type) => type switch
    {
        MiInt8 or MiUInt8 => 1,
        MiInt16 or MiUInt16 => 2,
        MiInt32 or MiUInt32 or MiSingle => 4,
        MiDouble or MiInt64 or MiUInt64 => 8,
        _ => null,
    };

    internal static long Padded(long size) => (size + 7) & ~7L;

    internal static void Skip(Stream s, string source, long count)
    {
        var buffer = new byte[(int)Math.Min(count, 1 << 16)];
        while (count > 0)
        {
            int n = s.Read(buffer, 0, (int)Math.Min(count, buffer.Length));
            if (n == 0)
                throw new DataFormatException(source, "truncated inside a data element");
            count -= n;
        }
    }
}
