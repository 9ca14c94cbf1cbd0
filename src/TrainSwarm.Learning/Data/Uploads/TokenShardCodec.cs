using System.Buffers.Binary;

namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>
/// The bytes of one stored shard (or holdout) of a text dataset: the magic <c>TSTOKEN1</c>, two little-endian int32 (vocabulary
/// size, token count), then the tokens as little-endian uint16. Fixed-width and exact, so a shard's SHA-256 names its tokens.
/// </summary>
public static class TokenShardCodec
{
    private static ReadOnlySpan<byte> Magic => "TSTOKEN1"u8;
    private const int HeaderBytes = 8 + 2 * 4;

    /// <summary>Encodes <paramref name="tokens"/>, every one below <paramref name="vocabSize"/> (at most 65,536).</summary>
    public static byte[] Encode(ReadOnlySpan<int> tokens, int vocabSize)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(vocabSize, 1 << 16);
        var bytes = new byte[HeaderBytes + 2L * tokens.Length];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), vocabSize);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), tokens.Length);
        for (var i = 0; i < tokens.Length; i++)
        {
            if ((uint)tokens[i] >= (uint)vocabSize)
                throw new ArgumentOutOfRangeException(nameof(tokens), $"token {tokens[i]} at {i} is outside the vocabulary of {vocabSize}");
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(HeaderBytes + 2 * i), (ushort)tokens[i]);
        }
        return bytes;
    }

    /// <summary>The token count in a shard's header, without decoding the tokens.</summary>
    public static int TokenCount(ReadOnlySpan<byte> bytes) => BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);

    /// <summary>Decodes a shard; <paramref name="source"/> names it in errors (a blob id).</summary>
    public static int[] Decode(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length < HeaderBytes || !bytes[..8].SequenceEqual(Magic))
            throw new DataFormatException(source, "not a text dataset shard (no TSTOKEN1 magic)");
        int vocab = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]), count = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        if (vocab is < 1 or > 1 << 16 || count < 0 || bytes.Length != HeaderBytes + 2L * count)
            throw new DataFormatException(source, $"{bytes.Length} bytes do not hold {count} tokens of a vocabulary of {vocab}");
        var tokens = new int[count];
        for (var i = 0; i < count; i++)
        {
            tokens[i] = BinaryPrimitives.ReadUInt16LittleEndian(bytes[(HeaderBytes + 2 * i)..]);
            if (tokens[i] >= vocab)
                throw new DataFormatException(source, $"token {tokens[i]} at {i} is outside the vocabulary of {vocab}");
        }
        return tokens;
    }
}
