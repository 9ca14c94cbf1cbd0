namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>
/// Cuts a text upload's token stream once into its holdout and its training shards, with no randomness: the stream is cut into
/// <see cref="Blocks"/> equal contiguous blocks and every tenth (blocks 9, 19, …, 49) is held out, so the holdout (10%) samples
/// the whole file rather than its end; the other blocks, concatenated in order, are the training stream, which the shards cut
/// into contiguous token ranges in order (lengths differ by at most one token), as the named corpus is cut.
/// </summary>
public static class TokenSharding
{
    /// <summary>The blocks the stream is cut into; one in <see cref="HoldoutEvery"/> is held out.</summary>
    public const int Blocks = 50;

    /// <summary>One block in this many goes to the holdout.</summary>
    public const int HoldoutEvery = 10;

    /// <summary>The fewest tokens a training shard or the holdout may hold: one window of a short sequence.</summary>
    public const int MinPartTokens = 16;

    /// <summary>
    /// The holdout and the <paramref name="shards"/> training shards of <paramref name="tokens"/>, each encoded by
    /// <see cref="TokenShardCodec"/>.
    /// </summary>
    public static (byte[] Holdout, IReadOnlyList<byte[]> Shards) Split(int[] tokens, int shards, int vocabSize)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentOutOfRangeException.ThrowIfLessThan(shards, 1);
        var (train, holdout) = (new List<int>(tokens.Length), new List<int>(tokens.Length / HoldoutEvery + Blocks));
        for (var b = 0; b < Blocks; b++)
        {
            long start = (long)tokens.Length * b / Blocks, end = (long)tokens.Length * (b + 1) / Blocks;
            (b % HoldoutEvery == HoldoutEvery - 1 ? holdout : train).AddRange(tokens.AsSpan((int)start, (int)(end - start)));
        }
        if (holdout.Count < MinPartTokens || train.Count / shards < MinPartTokens)
            throw new UploadRejectedException(
                $"{tokens.Length} tokens make a holdout of {holdout.Count} and shards of about {train.Count / shards}: each needs at least {MinPartTokens}");
        var parts = new List<byte[]>(shards);
        for (var i = 0; i < shards; i++)
        {
            long start = (long)train.Count * i / shards, end = (long)train.Count * (i + 1) / shards;
            parts.Add(TokenShardCodec.Encode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(train).Slice((int)start, (int)(end - start)), vocabSize));
        }
        return (TokenShardCodec.Encode(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(holdout), vocabSize), parts);
    }
}
