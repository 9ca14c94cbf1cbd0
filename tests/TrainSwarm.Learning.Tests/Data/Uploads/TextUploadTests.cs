using System.Text;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Data.Uploads;

namespace TrainSwarm.Learning.Tests.Data.Uploads;

public class TextUploadTests
{
    [Fact]
    public void Utf8_text_becomes_its_bytes_as_tokens_a_bom_dropped_and_a_separator_one_token()
    {
        var text = "héllo\n<|endoftext|>ok";
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text)).ToArray();
        int[] expected = [.. Encoding.UTF8.GetBytes("héllo\n").Select(b => (int)b), 256, 'o', 'k'];
        Assert.Equal(expected, TextUpload.Parse(bytes, "t.txt"));
        Assert.Equal(UploadFormat.Text, UploadFormats.FromFileName("Corpus.TXT"));
        Assert.Equal(UploadFormat.Text, UploadFormats.Parse("text"));
    }

    [Fact]
    public void Invalid_utf8_empty_and_whitespace_only_files_are_refused_naming_where()
    {
        byte[] bad = [.. "line one\nline two "u8, 0xC3, 0x28, (byte)'\n'];
        var e = Assert.Throws<UploadRejectedException>(() => TextUpload.Parse(bad, "c.txt"));
        Assert.Equal($"c.txt line 2: not UTF-8 text: an invalid byte sequence at byte {bad.Length - 3}", e.Message);
        Assert.Equal("c.txt: the file is empty", Assert.Throws<UploadRejectedException>(() => TextUpload.Parse([], "c.txt")).Message);
        Assert.Equal("c.txt: the file holds only whitespace",
            Assert.Throws<UploadRejectedException>(() => TextUpload.Parse(" \n\t\n"u8, "c.txt")).Message);
    }

    [Fact]
    public void The_holdout_is_every_tenth_of_fifty_blocks_and_the_shards_cut_the_rest_in_order()
    {
        var tokens = Enumerable.Range(0, 1000).Select(i => i % 257).ToArray();
        var (holdout, shards) = TokenSharding.Split(tokens, 3, 257);
        // 50 blocks of 20 tokens; blocks 9, 19, 29, 39, 49 held out: tokens 180–199, 380–399, …, 980–999.
        int[] held = [.. Enumerable.Range(0, 5).SelectMany(k => tokens.Skip(180 + 200 * k).Take(20))];
        Assert.Equal(held, TokenShardCodec.Decode(holdout, "h"));
        var train = tokens.Where((_, i) => i % 200 < 180).ToArray();
        Assert.Equal(900, train.Length);
        Assert.Equal([train[..300], train[300..600], train[600..]], shards.Select(s => TokenShardCodec.Decode(s, "s")));
        Assert.Equal(300, TokenShardCodec.TokenCount(shards[0]));
        Assert.Equal(16 + 2 * 300, shards[0].Length);
        var e = Assert.Throws<UploadRejectedException>(() => TokenSharding.Split(tokens[..100], 1, 257));
        Assert.Equal("100 tokens make a holdout of 10 and shards of about 90: each needs at least 16", e.Message);
    }

    [Fact]
    public void A_token_shard_with_a_wrong_length_or_a_token_outside_the_vocabulary_is_refused()
    {
        var bytes = TokenShardCodec.Encode([1, 2, 256], 257);
        Assert.Equal("s: 21 bytes do not hold 3 tokens of a vocabulary of 257",
            Assert.Throws<DataFormatException>(() => TokenShardCodec.Decode(bytes[..^1], "s")).Message);
        bytes[^2] = 1; // token 257 (0x0101) after the header
        Assert.Equal("s: token 257 at 2 is outside the vocabulary of 257",
            Assert.Throws<DataFormatException>(() => TokenShardCodec.Decode(bytes, "s")).Message);
    }
}
