using TrainSwarm.Learning.Text;

namespace TrainSwarm.Learning.Tests.Lm;

public class ByteTokenizerTests
{
    [Fact]
    public void Bytes_round_trip_and_the_special_token_has_its_own_id()
    {
        string text = "naïve €5<|endoftext|>next";
        var ids = ByteTokenizer.Encode(text);
        Assert.Equal([110, 97, 195, 175, 118, 101, 32, 226, 130, 172, 53, 256, 110, 101, 120, 116], ids);
        Assert.Equal(text, ByteTokenizer.Decode(ids));
        Assert.Equal(257, ByteTokenizer.VocabSize);
        Assert.Throws<ArgumentException>(() => ByteTokenizer.Decode([257]));
    }
}

public class FortunesCorpusTests
{
    [Fact]
    public void Fortunes_split_on_percent_lines()
    {
        Assert.Equal(["one\n line", "two"], FortunesCorpus.Split("one\n line\n%\n%\ntwo\n\n%\n"));
    }

    [Fact]
    public void A_corpus_holds_every_twentieth_fortune_out_and_shards_cover_the_training_stream()
    {
        var dir = Directory.CreateTempSubdirectory("fortunes-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "b"), string.Join("\n%\n", Enumerable.Range(20, 20).Select(i => $"f{i}")) + "\n");
            File.WriteAllText(Path.Combine(dir.FullName, "a"), string.Join("\n%\n", Enumerable.Range(0, 20).Select(i => $"f{i:D2}")) + "\n");
            File.WriteAllText(Path.Combine(dir.FullName, "a.dat"), "index, skipped");
            var corpus = FortunesCorpus.Load(dir.FullName);
            Assert.Equal(40, corpus.Documents);
            // File a first (name order): its 20th fortune f19 and b's last f39 are held out, each followed by <|endoftext|>.
            Assert.Equal("f19<|endoftext|>f39<|endoftext|>", ByteTokenizer.Decode(corpus.HeldOut));
            Assert.StartsWith("f00<|endoftext|>f01<|endoftext|>", ByteTokenizer.Decode(corpus.Train));
            var shards = Enumerable.Range(0, 3).Select(i => corpus.Shard(3, i).ToArray()).ToList();
            Assert.Equal(corpus.Train, shards.SelectMany(s => s));
            Assert.True(shards.Max(s => s.Length) - shards.Min(s => s.Length) <= 1);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
