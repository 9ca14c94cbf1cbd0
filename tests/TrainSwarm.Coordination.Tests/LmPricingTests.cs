using TrainSwarm.Coordination.Market;
using TrainSwarm.Coordination.Pricing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Tests;

/// <summary>An lm job's quote and pay: tokens × the exact training FLOPs of a token, in exact integer micro-tokens.</summary>
public class LmPricingTests
{
    // gpt-tiny (V 257, C 144, L 4) at T = 64, counted by hand (GptFlopsTests checks GptFlops gives the same):
    // N = 4 × 12 × 144² + 257 × 144 = 1,032,336; forward 2N + 2 × 4 × 144 × 65 = 2,139,552; training 3 × that.
    private const long TrainingPerToken = 6_418_656;
    private const long ForwardPerToken = 2_139_552;
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    // The devnet's lm job: 4 rounds × 3 nodes × H 100 × batch 8 × 64 tokens.
    private static readonly JobSpec Devnet = new() { Kind = JobKinds.Lm, Rounds = 4, MaxNodes = 3 };

    [Fact]
    public void The_devnet_lm_job_prices_tokens_and_flops_to_the_micro_token()
    {
        var quote = QuoteCalculator.Quote(Devnet, TrainingPerToken, ForwardPerToken, 64 * 64, [], PriceTable.Default, Now, "q000000000001");
        Assert.Equal(614_400, quote.TrainingSamples);                  // tokens: 4 × 3 × 100 × 8 × 64
        Assert.Equal(3_944, quote.ComputeUnits);                       // ceil(614400 × 6418656 / 1e9) = ceil(3943.6222464)
        Assert.Equal(39_440_000, quote.ComputeCost);
        Assert.Equal(175_272_099_840, quote.ValidationFlops);          // 4 × (3 + 2) × 4096 held-out tokens × 2139552
        Assert.Equal((3_944_000L, 788_800L, 44_172_800L), (quote.ValidatorFee, quote.ProtocolFee, quote.Total));
    }

    [Fact]
    public void An_update_is_paid_for_its_tokens_weighted_by_its_held_out_loss()
    {
        var quote = QuoteCalculator.Quote(Devnet, TrainingPerToken, ForwardPerToken, 4096, [], PriceTable.Default, Now, "q000000000001");
        var terms = Settlement.TermsFor(quote, Devnet);
        Assert.Equal(51_200, terms.MaxSamplesPerUpdate);
        UpdateVerdict Verdict(string node, double b, double u, long tokens = 51_200) =>
            new(node, "blob" + node, true, null, tokens, 100, 1, b, 0, u, 0, 0);
        var charge = Settlement.Round(terms, [Verdict("a", 5.5, 3.0), Verdict("b", 3.0, 4.0), Verdict("c", 3.0, 3.0, 99_999)], long.MaxValue);
        // floor(51200 × 6418656 × 10000 × q / 10^17): full 3,286,351; loss 3 → 4 is 7500 bps: 2,464,763. c is capped at H × B × T tokens.
        Assert.Equal([3_286_351L, 2_464_763L, 3_286_351L], charge.Lines.Select(l => l.Payout));
        Assert.Equal([10_000, 7_500, 10_000], charge.Lines.Select(l => l.QualityBps));
        Assert.Equal(51_200, charge.Lines[2].Samples);
        Assert.Equal(51_200L * TrainingPerToken, charge.Lines[0].Flops);
    }
}
