using TrainSwarm.Learning.Data;

namespace TrainSwarm.Learning.Tests;

public class DataSplitTests
{
    [Fact]
    public void Holdout_and_shards_are_disjoint_and_cover_the_pool()
    {
        var split = new DataSplit(1000, 0.1, null, seed: 3);
        Assert.Equal(100, split.HoldoutCount);
        Assert.Equal(900, split.PoolCount);
        var parts = new List<int[]> { split.Holdout() };
        parts.AddRange(Enumerable.Range(0, 7).Select(i => split.Shard(i, 7)));
        var all = parts.SelectMany(p => p).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(Enumerable.Range(0, 1000), all.Order());
        var sizes = parts.Skip(1).Select(p => p.Length).ToList();
        Assert.True(sizes.Max() - sizes.Min() <= 1, $"shard sizes {string.Join(",", sizes)}");
        Assert.All(parts, p => Assert.Equal(p.Order(), p)); // ascending
    }

    [Fact]
    public void First_samples_splits_only_the_first_n_as_a_dataset_of_n_would()
    {
        var cut = new DataSplit(1000, 0.1, null, seed: 3, firstSamples: 200);
        var small = new DataSplit(200, 0.1, null, seed: 3);
        Assert.Equal((20, 180), (cut.HoldoutCount, cut.PoolCount));
        Assert.Equal(small.Holdout(), cut.Holdout());
        Assert.Equal(small.Shard(2, 3), cut.Shard(2, 3));
        Assert.All(Enumerable.Range(0, 3).SelectMany(i => cut.Shard(i, 3)), i => Assert.InRange(i, 0, 199));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataSplit(1000, 0.1, null, 3, firstSamples: 1));
    }

    [Fact]
    public void A_sample_limit_shrinks_the_pool_but_not_the_holdout()
    {
        var split = new DataSplit(1000, 0.1, trainSamples: 300, seed: 3);
        Assert.Equal(100, split.HoldoutCount);
        Assert.Equal(300, split.PoolCount);
        var pool = Enumerable.Range(0, 3).SelectMany(i => split.Shard(i, 3)).ToList();
        Assert.Equal(300, pool.Count);
        Assert.Empty(pool.Intersect(split.Holdout()));
        // The holdout does not depend on the limit, so validators score every job variant on the same samples.
        Assert.Equal(new DataSplit(1000, 0.1, null, 3).Holdout(), split.Holdout());
    }

    [Fact]
    public void The_split_is_deterministic_per_seed_and_differs_across_seeds()
    {
        var a = new DataSplit(500, 0.2, null, seed: 42);
        var b = new DataSplit(500, 0.2, null, seed: 42);
        var c = new DataSplit(500, 0.2, null, seed: 43);
        Assert.Equal(a.Holdout(), b.Holdout());
        Assert.Equal(a.Shard(1, 4), b.Shard(1, 4));
        Assert.NotEqual(a.Holdout(), c.Holdout());
        Assert.NotEqual(a.Shard(1, 4), c.Shard(1, 4));
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataSplit(1, 0.1, null, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataSplit(100, 0, null, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataSplit(100, 1, null, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DataSplit(100, 0.1, 0, 0));
        var split = new DataSplit(100, 0.1, null, 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => split.Shard(3, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => split.Shard(-1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => split.Shard(0, 0));
    }

    [Fact]
    public void Gather_copies_the_chosen_images_in_the_given_order()
    {
        // Image i has every pixel equal to i and label i % 3.
        var data = new LabeledImages(
            Enumerable.Range(0, 6).SelectMany(i => Enumerable.Repeat((float)i, 4)).ToArray(),
            Enumerable.Range(0, 6).Select(i => i % 3).ToArray(), 1, 2, 2, 3);
        var gathered = data.Gather([4, 1, 4]);
        Assert.Equal(3, gathered.Count);
        Assert.Equal([1, 1, 1], gathered.Labels);
        Assert.Equal([4f, 4, 4, 4, 1, 1, 1, 1, 4, 4, 4, 4], gathered.Pixels);
        Assert.Equal((1, 2, 2, 3), (gathered.Channels, gathered.Height, gathered.Width, gathered.Classes));
        gathered.Pixels[0] = 99;
        Assert.Equal(4f, data.Pixels[16]); // a copy, not a view
        Assert.Equal(0, data.Gather([]).Count);
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => data.Gather([6]));
    }
}
