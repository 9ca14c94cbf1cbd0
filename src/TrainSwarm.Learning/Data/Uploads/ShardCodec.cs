using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>
/// The bytes of one stored shard (or holdout) of an uploaded dataset: the magic <c>TSSHARD1</c>, five little-endian int32
/// (channels, height, width, classes, count), the labels as int32, then the samples as float32, (N, C, H, W). Fixed-width and
/// exact, so a shard's SHA-256 names its content and a node trains on exactly the floats the coordinator cut.
/// </summary>
public static class ShardCodec
{
    private static ReadOnlySpan<byte> Magic => "TSSHARD1"u8;
    private const int HeaderBytes = 8 + 5 * 4;

    /// <summary>Encodes <paramref name="data"/>.</summary>
    public static byte[] Encode(LabeledImages data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var bytes = new byte[HeaderBytes + 4L * data.Count + 4L * data.Pixels.Length];
        Magic.CopyTo(bytes);
        var header = bytes.AsSpan(8);
        BinaryPrimitives.WriteInt32LittleEndian(header, data.Channels);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], data.Height);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], data.Width);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], data.Classes);
        BinaryPrimitives.WriteInt32LittleEndian(header[16..], data.Count);
        var labels = bytes.AsSpan(HeaderBytes, 4 * data.Count);
        for (var i = 0; i < data.Count; i++)
            BinaryPrimitives.WriteInt32LittleEndian(labels[(4 * i)..], data.Labels[i]);
        var pixels = bytes.AsSpan(HeaderBytes + 4 * data.Count);
        if (BitConverter.IsLittleEndian)
            MemoryMarshal.AsBytes(data.Pixels.AsSpan()).CopyTo(pixels);
        else
            for (var i = 0; i < data.Pixels.Length; i++)
                BinaryPrimitives.WriteSingleLittleEndian(pixels[(4 * i)..], data.Pixels[i]);
        return bytes;
    }

    /// <summary>The sample count in a shard's header, without decoding the samples.</summary>
    public static int SampleCount(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]);

    /// <summary>Decodes a shard; <paramref name="source"/> names it in errors (a blob id).</summary>
    public static LabeledImages Decode(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < HeaderBytes || !bytes[..8].SequenceEqual(Magic))
            throw new DataFormatException(source, "not a dataset shard (no TSSHARD1 magic)");
        var header = bytes[8..];
        int c = BinaryPrimitives.ReadInt32LittleEndian(header), h = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        int w = BinaryPrimitives.ReadInt32LittleEndian(header[8..]), classes = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        if (c < 1 || h < 1 || w < 1 || classes < 1 || count < 0)
            throw new DataFormatException(source, $"a shard header of {c}x{h}x{w}, {classes} classes, {count} samples is invalid");
        var expected = HeaderBytes + 4L * count + 4L * count * c * h * w;
        if (bytes.Length != expected)
            throw new DataFormatException(source, $"{bytes.Length} bytes, but {count} samples of {c}x{h}x{w} take {expected}");
        var labels = new int[count];
        for (var i = 0; i < count; i++)
            labels[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes[(HeaderBytes + 4 * i)..]);
        var pixels = new float[(long)count * c * h * w];
        var body = bytes[(HeaderBytes + 4 * count)..];
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = BinaryPrimitives.ReadSingleLittleEndian(body[(4 * i)..]);
        try
        {
            return new LabeledImages(pixels, labels, c, h, w, classes);
        }
        catch (ArgumentException e)
        {
            throw new DataFormatException(source, e.Message, e);
        }
    }
}
