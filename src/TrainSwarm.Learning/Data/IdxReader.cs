using System.Buffers.Binary;
using System.IO.Compression;

namespace TrainSwarm.Learning.Data;

/// <summary>
/// Reads IDX files (the MNIST family's format), gzip-compressed or raw: a big-endian magic whose third byte is
/// the element type (0x08, unsigned byte) and fourth the number of dimensions, then one big-endian int32 per
/// dimension, then exactly the elements.
/// </summary>
public static class IdxReader
{
    /// <summary>The magic of an image file: unsigned bytes, 3 dimensions (N, rows, cols).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>The magic of a label file: unsigned bytes, 1 dimension (N).</summary>
    public const int LabelsMagic = 0x00000801;

    private const byte UnsignedByteType = 0x08;

    /// <summary>Reads an image file (N × rows × cols).</summary>
    public static IdxData ReadImages(string path) => Read(path, expectedDimensions: 3);

    /// <summary>Reads a label file (N).</summary>
    public static IdxData ReadLabels(string path) => Read(path, expectedDimensions: 1);

    /// <summary>Reads an unsigned-byte IDX file; <paramref name="expectedDimensions"/> (if given) must match its magic.</summary>
    public static IdxData Read(string path, int? expectedDimensions = null)
    {
        using FileStream fs = File.OpenRead(path);
        return Read(fs, path, expectedDimensions);
    }

    /// <summary>Reads an IDX stream; <paramref name="source"/> names it in errors.</summary>
    public static IdxData Read(Stream stream, string source, int? expectedDimensions = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        try
        {
            if (!IsGzip(stream)) return Parse(stream, source, expectedDimensions);
            using var gzip = new GZipStream(stream, CompressionMode.Decompress, leaveOpen: true);
            return Parse(gzip, source, expectedDimensions);
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(source, $"corrupt gzip stream ({e.Message})", e);
        }
        catch (EndOfStreamException e)
        {
            throw new DataFormatException(source, $"truncated gzip stream ({e.Message})", e);
        }
    }

    // Gzip starts with 1f 8b; an IDX file starts with two zero bytes, so the two can't be confused.
    private static bool IsGzip(Stream stream)
    {
        if (!stream.CanSeek)
        {
            throw new ArgumentException("the stream must be seekable to detect gzip", nameof(stream));
        }
        long start = stream.Position;
        Span<byte> head = stackalloc byte[2];
        int n = stream.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        stream.Position = start;
        return n == 2 && head[0] == 0x1f && head[1] == 0x8b;
    }

    private static IdxData Parse(Stream content, string source, int? expectedDimensions)
    {
        Span<byte> word = stackalloc byte[4];
        if (content.ReadAtLeast(word, 4, throwOnEndOfStream: false) < 4)
        {
            throw new DataFormatException(source, "truncated: shorter than the 4-byte IDX magic");
        }
        int magic = BinaryPrimitives.ReadInt32BigEndian(word);
        if (word[0] != 0 || word[1] != 0 || word[3] == 0)
        {
            throw new DataFormatException(source, $"bad magic 0x{magic:x8}: not an IDX file");
        }
        if (word[2] != UnsignedByteType)
        {
            throw new DataFormatException(source, $"bad magic 0x{magic:x8}: element type 0x{word[2]:x2} is not unsigned byte (0x08)");
        }
        int rank = word[3];
        if (expectedDimensions is int expected && rank != expected)
        {
            throw new DataFormatException(source,
                $"bad magic 0x{magic:x8}: {rank} dimensions, expected {expected} (0x{0x800 | expected:x8})");
        }

        var dims = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++)
        {
            if (content.ReadAtLeast(word, 4, throwOnEndOfStream: false) < 4)
            {
                throw new DataFormatException(source, $"truncated: header ends inside dimension {i} of {rank}");
            }
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(word);
            if (dims[i] < 0) throw new DataFormatException(source, $"dimension {i} is negative ({dims[i]})");
            total *= dims[i];
            if (total > Array.MaxLength) throw new DataFormatException(source, $"dimensions [{string.Join(",", dims[..(i + 1)])}] are too large");
        }

        var data = new byte[total];
        int read = content.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length)
        {
            throw new DataFormatException(source,
                $"truncated: dimensions [{string.Join(",", dims)}] need {data.Length} data bytes, found {read}");
        }
        if (content.ReadByte() >= 0)
        {
            throw new DataFormatException(source, $"trailing bytes after the {data.Length} data bytes of dimensions [{string.Join(",", dims)}]");
        }
        return new IdxData(dims, data);
    }
}
