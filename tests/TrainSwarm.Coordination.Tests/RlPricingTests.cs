using TrainSwarm.Coordination.Market;
using TrainSwarm.Coordination.Pricing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Tests;

/// <summary>An rl job's quote and pay: environment steps × the FLOPs of one PPO step, in exact integer micro-tokens.</summary>
public class RlPricingTests
{
    // FLOPs of one CartPole PPO step with the preset's networks (RlFlopsTests counts them by hand): acting forward 18,307 plus
    // 20 epochs × 54,665 training FLOPs; the policy's forward alone is 9,218.
    private const long PerEnvStep = 1_111_607;
    private const long PolicyForward = 9_218;
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    // The devnet's cartpole job: 20 rounds × 3 nodes × 16 rollouts × 256 transitions.
    private static readonly JobSpec Devnet = new() { Kind = JobKinds.Rl, Rounds = 20, MaxNodes = 3 };

    [Fact]
    public void The_devnet_cartpole_job_prices_env_steps_and_flops_to_the_micro_token()
    {
        var quote = QuoteCalculator.Quote(Devnet, PerEnvStep, PolicyForward, 100 * 500, [], PriceTable.Default, Now, "q000000000001");
        Assert.Equal(245_760, quote.TrainingSamples);                  // env steps: 20 × 3 × 16 × 256
        Assert.Equal(274, quote.ComputeUnits);                         // ceil(245760 × 1111607 / 1e9) = ceil(273.188536320)
        Assert.Equal(2_740_000, quote.ComputeCost);
        Assert.Equal(46_090_000_000, quote.ValidationFlops);           // 20 × (3 + 2) × 100 episodes × 500 steps × 9218
        Assert.Equal((274_000L, 54_800L, 3_068_800L), (quote.ValidatorFee, quote.ProtocolFee, quote.Total));
    }

    [Fact]
    public void An_update_is_paid_for_its_env_steps_weighted_by_its_return()
    {
        var quote = QuoteCalculator.Quote(Devnet, PerEnvStep, PolicyForward, 50_000, [], PriceTable.Default, Now, "q000000000001");
        var terms = Settlement.TermsFor(quote, Devnet);
        Assert.Equal(4_096, terms.MaxSamplesPerUpdate);
        UpdateVerdict Verdict(string node, double b, double u) =>
            new(node, "blob" + node, true, null, 4_096, 16, 1, 0, 0, 0, 0, 0, BaseReturn: b, UpdatedReturn: u);
        var charge = Settlement.Round(terms, [Verdict("a", 200, 250), Verdict("b", 200, 150), Verdict("c", 200, 200)], long.MaxValue);
        // floor(4096 × 1111607 × 10000 × q / 10^17): full 45,531; three quarters (7500 bps) 34,148.
        Assert.Equal([45_531L, 34_148L, 45_531L], charge.Lines.Select(l => l.Payout));
        Assert.Equal([10_000, 7_500, 10_000], charge.Lines.Select(l => l.QualityBps));
        Assert.Equal((200.0, 150.0), (charge.Lines[1].BaseReturn!.Value, charge.Lines[1].UpdatedReturn!.Value));
        Assert.Equal(125_210, charge.Compute);
        Assert.Equal(125_210 + 12_521 + 2_504, charge.Total);
    }

    [Theory]
    [InlineData(200.0, 250.0, 10_000)] // raised the return: full pay
    [InlineData(200.0, 200.0, 10_000)] // kept it
    [InlineData(200.0, 150.0, 7_500)]  // three quarters of the return, three quarters of the pay
    [InlineData(3.0, 1.0, 3_333)]      // floor(10000 × 1000 / 3000)
    [InlineData(487.35, 9.42, 193)]    // milli-returns 487350 and 9420: floor(10000 × 9420 / 487350)
    [InlineData(100.0, 0.0, 0)]
    [InlineData(100.0, double.NaN, 0)]
    [InlineData(double.PositiveInfinity, 100.0, 0)]
    public void The_return_quality_rule_is_integer_and_exact(double baseReturn, double updatedReturn, int bps) =>
        Assert.Equal(bps, ReturnQuality.Bps(baseReturn, updatedReturn));

    [Fact]
    public void A_rejected_rl_update_has_quality_zero()
    {
        var v = new UpdateVerdict("n", "b", false, "no", 4_096, 16, 1, 0, 0, 0, 0, 0, BaseReturn: 100, UpdatedReturn: 200);
        Assert.Equal(0, Settlement.QualityBps(v));
        Assert.Equal(10_000, Settlement.QualityBps(v with { Accepted = true }));
    }
}
