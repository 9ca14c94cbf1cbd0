namespace TrainSwarm.Nn.Serialization;

/// <summary>
/// A write-only stream that compares what is written with bytes it was given, as it comes: checks a serialization
/// against a file without materializing the serialization.
/// </summary>
internal sealed class ComparingStream(ReadOnlyMemory<byte> expected) : Stream
{
    private long _length;

    /// <summary>Whether everything written so far equals the start of the expected bytes.</summary>
    public bool Equal { get; private set; } = true;

    /// <summary>Whether exactly the expected bytes were written: all of them, and no more.</summary>
    public bool Matched => Equal && _length == expected.Length;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _length;
    public override long Position { get => _length; set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (Equal)
            Equal = _length + buffer.Length <= expected.Length && buffer.SequenceEqual(expected.Span.Slice((int)_length, buffer.Length));
        _length += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void WriteByte(byte value) => Write([value]);
    public override void Flush() { }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
