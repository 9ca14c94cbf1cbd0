using TrainSwarm.Coordination.Market;
using TrainSwarm.Coordination.Pricing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Tests;

/// <summary>A grpo job's quote and pay: sequence tokens × the exact FLOPs of a GRPO token, in exact integer micro-tokens.</summary>
public class GrpoPricingTests
{
    // grpo-tiny at 11 tokens (GptFlopsTests checks GptFlops gives these): forward 232,576; a GRPO token is 9 forwards.
    private const long PerToken = 2_093_184;
    private const long ForwardPerToken = 232_576;
    private static readonly DateTimeOffset Now = new(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);

    // The devnet's grpo job: 2 rounds × 3 nodes × 25 steps × 16 prompts × 8 completions × 11 tokens.
    private static readonly JobSpec Devnet = new() { Kind = JobKinds.Grpo, Rounds = 2, MaxNodes = 3 };

    [Fact]
    public void The_devnet_grpo_job_prices_tokens_and_flops_to_the_micro_token()
    {
        var quote = QuoteCalculator.Quote(Devnet, PerToken, ForwardPerToken, 200 * 11, [], PriceTable.Default, Now, "q000000000001");
        Assert.Equal(211_200, quote.TrainingSamples);                 // 2 × 3 × 35,200
        Assert.Equal(443, quote.ComputeUnits);                        // ceil(211200 × 2093184 / 1e9) = ceil(442.0804608)
        Assert.Equal(4_430_000, quote.ComputeCost);
        Assert.Equal(5_116_672_000, quote.ValidationFlops);           // 2 × (3 + 2) × 2200 held-out tokens × 232576
        Assert.Equal((443_000L, 88_600L, 4_961_600L), (quote.ValidatorFee, quote.ProtocolFee, quote.Total));
    }

    [Fact]
    public void An_update_is_paid_for_its_tokens_weighted_by_its_held_out_exact_match()
    {
        var quote = QuoteCalculator.Quote(Devnet, PerToken, ForwardPerToken, 2200, [], PriceTable.Default, Now, "q000000000001");
        var terms = Settlement.TermsFor(quote, Devnet);
        Assert.Equal(35_200, terms.MaxSamplesPerUpdate);
        UpdateVerdict Verdict(string node, int b, int u, long tokens = 35_200) =>
            new(node, "blob" + node, true, null, tokens, 25, 1, 0, b / 200.0, 0, u / 200.0, 0, BaseCorrect: b, UpdatedCorrect: u);
        var charge = Settlement.Round(terms, [Verdict("a", 19, 22), Verdict("b", 19, 15), Verdict("c", 19, 19, 99_999),
            Verdict("d", 19, 0)], long.MaxValue);
        // floor(35200 × 2093184 × 10000 × q / 10^17): full 736,800 (73.6800768 units); 15 of 19 is 7894 bps: 581,630.
        Assert.Equal([736_800L, 581_630L, 736_800L, 0L], charge.Lines.Select(l => l.Payout));
        Assert.Equal([10_000, 7_894, 10_000, 0], charge.Lines.Select(l => l.QualityBps));
        Assert.Equal(35_200, charge.Lines[2].Samples);
        Assert.Equal((19, 15), (charge.Lines[1].BaseCorrect, charge.Lines[1].UpdatedCorrect));
    }
}
