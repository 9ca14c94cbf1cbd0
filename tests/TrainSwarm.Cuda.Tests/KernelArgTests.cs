using TrainSwarm.Cuda.Kernels;

namespace TrainSwarm.Cuda.Tests;

public sealed class KernelArgTests
{
    [Fact]
    public void Packs_values_into_the_low_bytes_of_a_slot()
    {
        Assert.Equal(0xFFFF_FFFFUL, KernelArg.Int(-1));
        Assert.Equal(0x3F80_0000UL, KernelArg.Float(1f));
        Assert.Equal(ulong.MaxValue, KernelArg.Long(-1));
        Assert.Equal(7UL, KernelArg.Int(7));
    }

    [Theory]
    [InlineData(1, 1u)]
    [InlineData(256, 1u)]
    [InlineData(257, 2u)]
    [InlineData(100_352, 392u)]
    [InlineData(1L << 40, 65535u)]
    public void Grids_cover_the_work_and_are_capped_for_grid_stride_loops(long work, uint blocks) =>
        Assert.Equal(blocks, KernelModule.GridFor(work));
}
