using TrainSwarm.Cuda.Memory;

namespace TrainSwarm.Cuda.Tests;

public sealed class CachingAllocatorTests
{
    /// <summary>Hands out increasing addresses and records what is live, as the driver would.</summary>
    private sealed class CountingSource : IDeviceMemorySource
    {
        private ulong _next = 0x7f00_0000_0000;

        public Dictionary<ulong, long> Live { get; } = [];

        public List<long> Requests { get; } = [];

        public ulong Allocate(long bytes)
        {
            Requests.Add(bytes);
            var address = _next;
            _next += (ulong)bytes;
            Live.Add(address, bytes);
            return address;
        }

        public void Free(ulong address) => Assert.True(Live.Remove(address), $"freed 0x{address:x} twice or never allocated");
    }

    [Theory]
    [InlineData(1, 512)]
    [InlineData(512, 512)]
    [InlineData(513, 1024)]
    [InlineData(1_048_575, 1_048_576)]
    [InlineData(1_048_577, 2_097_152)]
    [InlineData(3_000_000, 4_194_304)]
    public void Rounds_sizes_to_their_class(long bytes, long expected) => Assert.Equal(expected, CachingAllocator.RoundUp(bytes));

    [Fact]
    public void A_steady_loop_allocates_from_the_driver_only_in_its_first_step()
    {
        var source = new CountingSource();
        using var allocator = new CachingAllocator(source);
        long[] step = [784 * 64 * 4, 128 * 64 * 4, 10 * 64 * 4, 128 * 64 * 4, 4];
        for (int i = 0; i < 100; i++)
        {
            var blocks = step.Select(allocator.Allocate).ToList();
            Assert.Equal(blocks.Count, blocks.Distinct().Count());
            blocks.ForEach(allocator.Free);
        }
        Assert.Equal(5, allocator.DriverAllocations);
        Assert.Equal(495, allocator.CacheHits);
        Assert.Equal(0, allocator.InUseBytes);
        Assert.Equal(200704 + 32768 + 2560 + 32768 + 512, allocator.ReservedBytes);
    }

    [Fact]
    public void A_freed_block_serves_a_smaller_request_of_its_class_and_not_a_larger_one()
    {
        var source = new CountingSource();
        using var allocator = new CachingAllocator(source);
        var a = allocator.Allocate(1000);
        allocator.Free(a);
        Assert.Equal(a, allocator.Allocate(600));
        Assert.NotEqual(a, allocator.Allocate(1100));
        Assert.Equal([1024, 1536], source.Requests);
        Assert.Equal(1024 + 1536, allocator.InUseBytes);
    }

    [Fact]
    public void Freeing_twice_is_a_bug_and_throws()
    {
        using var allocator = new CachingAllocator(new CountingSource());
        var a = allocator.Allocate(64);
        allocator.Free(a);
        var e = Assert.Throws<InvalidOperationException>(() => allocator.Free(a));
        Assert.Contains("not allocated here", e.Message);
    }

    [Fact]
    public void Trim_and_dispose_give_every_block_back_to_the_driver()
    {
        var source = new CountingSource();
        var allocator = new CachingAllocator(source);
        var kept = allocator.Allocate(4096);
        allocator.Free(allocator.Allocate(2_000_000));
        allocator.Trim();
        Assert.Equal([kept], source.Live.Keys);
        Assert.Equal(4096, allocator.ReservedBytes);
        allocator.Dispose();
        Assert.Empty(source.Live);
        Assert.Equal(0, allocator.ReservedBytes);
        Assert.Throws<ObjectDisposedException>(() => allocator.Allocate(1));
    }

    [Fact]
    public void Zero_or_negative_sizes_are_refused()
    {
        using var allocator = new CachingAllocator(new CountingSource());
        Assert.Throws<ArgumentOutOfRangeException>(() => allocator.Allocate(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => allocator.Allocate(-4));
    }
}
