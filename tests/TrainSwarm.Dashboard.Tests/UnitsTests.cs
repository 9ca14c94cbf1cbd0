using TrainSwarm.Dashboard.Formatting;

namespace TrainSwarm.Dashboard.Tests;

public sealed class UnitsTests
{
    [Theory]
    [InlineData(0, "0.000000 tokens")]
    [InlineData(1, "0.000001 tokens")]
    [InlineData(1_500_000, "1.500000 tokens")]
    [InlineData(-2_000_001, "-2.000001 tokens")]
    [InlineData(long.MaxValue, "9223372036854.775807 tokens")]
    public void Tokens_show_every_decimal_and_the_unit(long units, string expected) => Assert.Equal(expected, Units.Tokens(units));

    [Theory]
    [InlineData(0, "0 s")]
    [InlineData(59.9, "59 s")]
    [InlineData(185, "3 min 05 s")]
    [InlineData(7_800, "2 h 10 min")]
    [InlineData(273_600, "3 d 4 h")]
    [InlineData(-5, "0 s")]
    public void Durations_use_their_two_largest_units(double seconds, string expected) => Assert.Equal(expected, Units.Seconds(seconds));

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(3L << 30, "3.0 GiB")]
    [InlineData(24_105L << 20, "23.5 GiB")]
    public void Bytes_use_binary_units(long bytes, string expected) => Assert.Equal(expected, Units.Bytes(bytes));

    [Fact]
    public void Percentages_rates_and_ids_read_well()
    {
        Assert.Equal("87.3 %", Units.Percent(0.8734));
        Assert.Equal("100.00 %", Units.Bps(10_000));
        Assert.Equal("12.34 %", Units.Bps(1234));
        Assert.Equal("1,234,567", Units.Count(1_234_567));
        Assert.Equal("ts1abcde…7890", Units.Short("ts1abcde0000000000000000000000000000007890"));
        Assert.Equal("j0123", Units.Short("j0123"));
        Assert.Equal("—", Units.Loss(double.NaN));
    }
}
