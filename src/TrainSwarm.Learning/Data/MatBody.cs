using System.Buffers.Binary;

namespace TrainSwarm.Learning.Data;

/// <summary>One sub-element of a MAT matrix: its element type and its bytes (padding dropped).</summary>
internal readonly record struct MatElement(int Type, byte[] Data);

/// <summary>
/// Reads the sub-elements of one miMATRIX of <paramref name="size"/> bytes in order: a normal element is an 8-byte tag and its
/// data padded to 8 bytes; a small one packs its size into the tag's upper half and its data (at most 4 bytes) into the tag's
/// second word.
/// </summary>
internal sealed class MatBody(Stream stream, string source, long size)
{
    private readonly long _size = size;
    private long _left = size;

    public MatElement Element()
    {
        var tag = Take(8);
        uint first = BinaryPrimitives.ReadUInt32LittleEndian(tag);
        if (first >> 16 != 0)
        {
            int small = (int)(first >> 16);
            if (small > 4)
                throw new DataFormatException(source, $"a small data element claims {small} bytes (at most 4)");
            return new MatElement((int)(first & 0xffff), tag.AsSpan(4, small).ToArray());
        }
        long length = BinaryPrimitives.ReadUInt32LittleEndian(tag.AsSpan(4));
        if (length > Array.MaxLength)
            throw new DataFormatException(source, $"a data element of {length} bytes is too large");
        var data = Take(length);
        long padding = MatFile.Padded(length) - length;
        // The last sub-element may end the matrix unpadded.
        if (padding > 0 && _left > 0)
            Take(Math.Min(padding, _left));
        return new MatElement((int)first, data);
    }

    public void SkipRest()
    {
        MatFile.Skip(stream, source, _left);
        _left = 0;
    }

    private byte[] Take(long count)
    {
        if (count > _left)
            throw new DataFormatException(source, $"a matrix's sub-element runs past its {_size} bytes");
        var bytes = new byte[count];
        if (stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
            throw new DataFormatException(source, "truncated inside a matrix");
        _left -= count;
        return bytes;
    }
}

/// <summary>The next <paramref name="length"/> bytes of a stream, so a zlib reader cannot read past its element.</summary>
internal sealed class BoundedStream(Stream inner, long length) : Stream
{
    private long _left = length;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        if (_left == 0)
            return 0;
        int n = inner.Read(buffer, offset, (int)Math.Min(count, _left));
        _left -= n;
        return n;
    }

    /// <summary>Reads past what the decompressor left of the element (the zlib trailer's alignment, if any).</summary>
    public void SkipRest()
    {
        var buffer = new byte[4096];
        while (Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
