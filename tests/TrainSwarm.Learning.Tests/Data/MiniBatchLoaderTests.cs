using TrainSwarm.Learning.Data;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Tests.Data;

public class MiniBatchLoaderTests
{
    // Sample i has every pixel equal to i and label i % 10, so a batch tells which samples it holds.
    private static LabeledImages Numbered(int n) => new(
        Enumerable.Range(0, n).SelectMany(i => Enumerable.Repeat((float)i, 4)).ToArray(),
        Enumerable.Range(0, n).Select(i => i % 10).ToArray(), 1, 2, 2, 10);

    private static List<int[]> Epoch(MiniBatchLoader loader, LabeledImages data)
    {
        var pixels = new float[loader.BatchSize * data.SampleSize];
        var labels = new int[loader.BatchSize];
        var batches = new List<int[]>();
        loader.StartEpoch();
        while (loader.TryNext(pixels, labels))
        {
            int[] ids = loader.CurrentIndices.ToArray();
            for (int i = 0; i < ids.Length; i++)
            {
                Assert.Equal(ids[i] % 10, labels[i]);
                Assert.All(pixels.AsSpan(i * 4, 4).ToArray(), p => Assert.Equal(ids[i], p));
            }
            batches.Add(ids);
        }
        Assert.Equal(loader.BatchesPerEpoch, batches.Count);
        return batches;
    }

    [Fact]
    public void An_epoch_order_lists_the_batches_the_loader_would_return_then_the_left_over_samples()
    {
        // What a GPU trainer gathers from: it must train exactly the CPU loader's batches.
        LabeledImages data = Numbered(100);
        var cpu = new MiniBatchLoader(data, 8, seed: 42);
        var gpu = new MiniBatchLoader(data, 8, seed: 42);
        var order = new int[100];
        for (int e = 0; e < 3; e++)
        {
            var batches = Epoch(cpu, data);
            gpu.TakeEpochOrder(order);
            Assert.Equal(batches.SelectMany(b => b), order.Take(96));
            Assert.Equal(Enumerable.Range(0, 100), order.Order());
            Assert.False(gpu.TrySkip());
        }
        Assert.Throws<ArgumentException>(() => gpu.TakeEpochOrder(new int[99]));
    }

    [Fact]
    public void Same_seed_gives_the_same_batches_every_epoch_and_run()
    {
        LabeledImages data = Numbered(100);
        var a = new MiniBatchLoader(data, 8, seed: 42);
        var b = new MiniBatchLoader(data, 8, seed: 42);
        for (int e = 0; e < 3; e++) Assert.Equal(Epoch(a, data), Epoch(b, data));
    }

    [Fact]
    public void Different_seeds_and_successive_epochs_differ()
    {
        LabeledImages data = Numbered(100);
        var a = new MiniBatchLoader(data, 10, seed: 1);
        var b = new MiniBatchLoader(data, 10, seed: 2);
        List<int[]> a1 = Epoch(a, data);
        Assert.NotEqual(a1.SelectMany(x => x), Epoch(b, data).SelectMany(x => x));
        Assert.NotEqual(a1.SelectMany(x => x), Epoch(a, data).SelectMany(x => x));
        Assert.NotEqual(Enumerable.Range(0, 100), a1.SelectMany(x => x));
    }

    [Fact]
    public void Each_epoch_is_the_next_shuffle_of_the_identity_from_one_stream()
    {
        LabeledImages data = Numbered(30);
        var loader = new MiniBatchLoader(data, 30, seed: 7);
        var rng = new Rng(7);
        for (int e = 0; e < 3; e++)
        {
            int[] expected = Enumerable.Range(0, 30).ToArray();
            rng.Shuffle(expected.AsSpan());
            Assert.Equal(expected, Epoch(loader, data).Single());
        }
    }

    [Fact]
    public void Every_sample_appears_once_per_epoch()
    {
        LabeledImages data = Numbered(96);
        var loader = new MiniBatchLoader(data, 32, seed: 3);
        for (int e = 0; e < 2; e++)
        {
            Assert.Equal(Enumerable.Range(0, 96), Epoch(loader, data).SelectMany(x => x).Order());
        }
    }

    [Fact]
    public void Incomplete_last_batch_is_dropped_like_pytorch_range_loop()
    {
        LabeledImages data = Numbered(10);
        var loader = new MiniBatchLoader(data, 3, seed: 5);
        Assert.Equal(3, loader.BatchesPerEpoch); // range(0, 10 - 3 + 1, 3) = 0, 3, 6
        int[] seen = Epoch(loader, data).SelectMany(x => x).ToArray();
        Assert.Equal(9, seen.Distinct().Count());
        Assert.Equal(0, new MiniBatchLoader(data, 11, seed: 5).BatchesPerEpoch);
    }

    [Fact]
    public void Max_batches_caps_each_epoch()
    {
        LabeledImages data = Numbered(100);
        var loader = new MiniBatchLoader(data, 10, seed: 5, maxBatches: 4);
        Assert.Equal(4, loader.BatchesPerEpoch);
        Assert.Equal(4, Epoch(loader, data).Count);
        Assert.Equal(4, Epoch(loader, data).Count);
        Assert.Equal(2, loader.Epoch);
    }

    [Fact]
    public void Without_shuffle_the_order_is_the_data_order()
    {
        LabeledImages data = Numbered(12);
        var loader = new MiniBatchLoader(data, 4, seed: 5, shuffle: false);
        Assert.Equal(Enumerable.Range(0, 12), Epoch(loader, data).SelectMany(x => x));
    }

    [Fact]
    public void Batches_allocate_nothing_in_steady_state()
    {
        LabeledImages data = Numbered(1000);
        var loader = new MiniBatchLoader(data, 16, seed: 9);
        var pixels = new float[16 * data.SampleSize];
        var labels = new int[16];
        loader.StartEpoch();
        loader.TryNext(pixels, labels); // JIT warm-up

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int e = 0; e < 3; e++)
        {
            loader.StartEpoch();
            while (loader.TryNext(pixels, labels)) { }
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Misuse_is_reported()
    {
        LabeledImages data = Numbered(20);
        var loader = new MiniBatchLoader(data, 4, seed: 1);
        Assert.Throws<InvalidOperationException>(() => loader.TryNext(new float[16], new int[4]));
        loader.StartEpoch();
        Assert.Throws<ArgumentException>(() => loader.TryNext(new float[15], new int[4]));
        Assert.Throws<ArgumentException>(() => loader.TryNext(new float[16], new int[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new MiniBatchLoader(data, 0, seed: 1));
    }
}
