using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Data.Uploads;

namespace TrainSwarm.Learning.Tests.Data.Uploads;

public class ShardingTests
{
    private static LabeledImages Data(int n)
    {
        var pixels = Enumerable.Range(0, n * 4).Select(i => i / 255f).ToArray();
        return new LabeledImages(pixels, Enumerable.Range(0, n).Select(i => i % 3).ToArray(), 1, 2, 2, 3);
    }

    private const string Digest = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    [Fact]
    public void A_shard_round_trips_bit_for_bit_and_a_truncated_one_is_refused()
    {
        var data = Data(5);
        var bytes = ShardCodec.Encode(data);
        Assert.Equal(28 + 5 * 4 + 5 * 4 * 4, bytes.Length);
        var back = ShardCodec.Decode(bytes, "s");
        Assert.Equal(data.Pixels, back.Pixels);
        Assert.Equal(data.Labels, back.Labels);
        Assert.Equal((1, 2, 2, 3, 5), (back.Channels, back.Height, back.Width, back.Classes, ShardCodec.SampleCount(bytes)));
        var e = Assert.Throws<DataFormatException>(() => ShardCodec.Decode(bytes[..^1], "s"));
        Assert.Equal("s: 127 bytes, but 5 samples of 1x2x2 take 128", e.Message);
    }

    [Fact]
    public void A_split_seed_cuts_exactly_the_shards_a_named_job_with_that_seed_and_first_samples_would()
    {
        var data = Data(100);
        var (holdout, shards) = DatasetSharding.Split(Data(40), Digest, 3, 0.1, splitSeed: 11);
        // A named dataset of 100 samples cut to its first 40, split by a job of seed 11.
        var named = new DataSplit(data.Count, 0.1, null, 11, firstSamples: 40);
        Assert.Equal(ShardCodec.Encode(data.Gather(named.Holdout())), holdout);
        Assert.Equal(Enumerable.Range(0, 3).Select(i => ShardCodec.Encode(data.Gather(named.Shard(i, 3)))), shards);
        Assert.NotEqual(holdout, DatasetSharding.Split(Data(40), Digest, 3, 0.1).Holdout);
    }

    [Fact]
    public void The_split_is_fixed_by_the_file_digest_and_covers_every_sample_once()
    {
        var data = Data(100);
        var (holdout, shards) = DatasetSharding.Split(data, Digest, 4, 0.1);
        var (again, shardsAgain) = DatasetSharding.Split(data, Digest, 4, 0.1);
        Assert.Equal(holdout, again);
        Assert.Equal(shards, shardsAgain);
        var parts = shards.Select(s => ShardCodec.Decode(s, "shard")).Prepend(ShardCodec.Decode(holdout, "holdout")).ToList();
        Assert.Equal([10, 22, 23, 22, 23], parts.Select(p => p.Count));
        // Every sample's first pixel is its index × 4 / 255: together the parts hold each sample exactly once.
        var firsts = parts.SelectMany(p => Enumerable.Range(0, p.Count).Select(i => (int)MathF.Round(p.Image(i)[0] * 255f / 4))).Order();
        Assert.Equal(Enumerable.Range(0, 100), firsts);
        Assert.Throws<UploadRejectedException>(() => DatasetSharding.Split(Data(5), Digest, 8, 0.1));
    }

    [Fact]
    public void Without_a_split_seed_the_seed_is_the_digests_first_8_bytes_big_endian()
    {
        Assert.Equal(0x0011223344556677UL, DatasetSharding.SeedOf(Digest, null));
        Assert.Equal(5UL, DatasetSharding.SeedOf(Digest, 5));
        var data = Data(50);
        Assert.Equal(DatasetSharding.Split(data, Digest, 2, 0.1, 0x0011223344556677UL).Holdout, DatasetSharding.Split(data, Digest, 2, 0.1).Holdout);
    }

    [Fact]
    public void A_slot_takes_every_shard_congruent_to_it()
    {
        Assert.Equal([1, 4, 7], DatasetSharding.ShardsOfSlot(1, 3, 8));
        Assert.Equal([2, 5], DatasetSharding.ShardsOfSlot(2, 3, 8));
    }
}
