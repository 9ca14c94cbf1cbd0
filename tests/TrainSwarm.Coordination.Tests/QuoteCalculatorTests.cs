using TrainSwarm.Coordination.Pricing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Tests;

public class QuoteCalculatorTests
{
    // The cnn preset's FLOPs per sample (FlopCounterTests counts them by hand).
    private const long CnnTraining = 15_975_838;
    private const long CnnForward = 5_342_122;
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    // The devnet job: cnn, 5 rounds × 3 nodes × H=100 × batch 64.
    private static readonly JobSpec Devnet = new() { Model = "cnn", Rounds = 5, MaxNodes = 3, InnerSteps = 100, BatchSize = 64 };

    [Fact]
    public void The_devnet_job_prices_to_the_micro_token()
    {
        var quote = QuoteCalculator.Quote(Devnet, CnnTraining, CnnForward, 6_000, [], PriceTable.Default, Now, "q000000000001");

        Assert.Equal(96_000, quote.TrainingSamples);                  // 5 × 3 × 100 × 64
        Assert.Equal(CnnTraining, quote.TrainingFlopsPerSample);
        Assert.Equal(1_534, quote.ComputeUnits);                      // ceil(96000 × 15975838 / 1e9) = ceil(1533.680448)
        Assert.Equal(10_000, quote.PricePerUnit);
        Assert.Equal(15_340_000, quote.ComputeCost);                  // 15.340000 tokens
        Assert.Equal(801_318_300_000, quote.ValidationFlops);         // 5 × (3 + 2) × 6000 × 5342122
        Assert.Equal(1_534_000, quote.ValidatorFee);                  // 10%
        Assert.Equal(306_800, quote.ProtocolFee);                     // 2%
        Assert.Equal(17_180_800, quote.Total);
        Assert.Equal(quote.ComputeCost + quote.ValidatorFee + quote.ProtocolFee, quote.Total);
        Assert.Equal(720_000_000_000, quote.PricePerGpuHour);         // 20e12 × 3600 / 1e9 = 72,000,000 units × 0.01 token = 720,000 tokens
        Assert.Null(quote.ExpectedSecondsLow);
        Assert.Null(quote.ExpectedSecondsHigh);
        Assert.Equal(0, quote.NodesConsidered);
        Assert.Equal("q000000000001", quote.Id);
        Assert.Equal(Now, quote.IssuedAt);
        Assert.Equal(Now.AddMinutes(15), quote.ValidUntil);
        Assert.Equal(Quote.DigestOf(Devnet), quote.SpecDigest);
        Assert.Matches("^[0-9a-f]{64}$", quote.SpecDigest);
    }

    [Fact]
    public void Units_and_fees_round_up()
    {
        var spec = new JobSpec { Rounds = 1, MaxNodes = 1, InnerSteps = 1, BatchSize = 1 };
        var prices = PriceTable.Default with { PricePerUnit = 7, ValidatorFeeBps = 333, ProtocolFeeBps = 1 };
        var quote = QuoteCalculator.Quote(spec, 1_000_000_001, 1, 10, [], prices, Now, "q1");
        Assert.Equal(2, quote.ComputeUnits);      // 1.000000001 GFLOP
        Assert.Equal(14, quote.ComputeCost);
        Assert.Equal(1, quote.ValidatorFee);      // ceil(14 × 333 / 10000) = ceil(0.4662)
        Assert.Equal(1, quote.ProtocolFee);       // ceil(0.0014)
        Assert.Equal(16, quote.Total);
        Assert.Equal(30, quote.ValidationFlops);  // 1 × (1 + 2) × 10 × 1
    }

    [Fact]
    public void The_duration_comes_from_the_slowest_of_the_fastest_max_nodes()
    {
        // The 3 fastest are 2000, 1000 and 500 samples/s; a round waits for 500: 100 × 64 / 500 + 1 = 13.8 s.
        var quote = QuoteCalculator.Quote(Devnet, CnnTraining, CnnForward, 6_000, [500, 2000, 100, 1000], PriceTable.Default, Now, "q2");
        Assert.Equal(3, quote.NodesConsidered);
        Assert.Equal(69, quote.ExpectedSecondsLow!.Value, 9);          // 5 × 13.8
        Assert.Equal(153, quote.ExpectedSecondsHigh!.Value, 9);        // 2 × 69 + 5 × 3
    }

    [Fact]
    public void Fewer_nodes_than_max_nodes_are_all_considered()
    {
        var quote = QuoteCalculator.Quote(Devnet, CnnTraining, CnnForward, 6_000, [6400], PriceTable.Default, Now, "q3");
        Assert.Equal(1, quote.NodesConsidered);
        Assert.Equal(10, quote.ExpectedSecondsLow!.Value, 9);          // 5 × (1 + 1)
        Assert.Equal(35, quote.ExpectedSecondsHigh!.Value, 9);
    }

    [Fact]
    public void A_job_too_large_to_price_overflows_instead_of_wrapping() =>
        Assert.Throws<OverflowException>(() => QuoteCalculator.Quote(
            new JobSpec { Rounds = 10_000, MaxNodes = 256, InnerSteps = 1_000_000, BatchSize = 8192 }, 1_000_000_000_000, 1, 1, [], PriceTable.Default, Now,
                "q4"));
}
