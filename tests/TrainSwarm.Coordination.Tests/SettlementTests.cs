using TrainSwarm.Coordination.Market;
using TrainSwarm.Coordination.Pricing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Tests;

public class SettlementTests(ITestOutputHelper output)
{
    // The presets' training FLOPs per sample (FlopCounterTests counts them by hand).
    internal const long MlpTraining = 610_462;
    internal const long CnnTraining = 15_975_838;

    // The default prices with the mlp: 0.01 token per GFLOP, H × batch = 100 × 64 = 6,400 samples, 10% + 2% fees.
    private static readonly RewardTerms Terms = new(10_000, MlpTraining, 6_400, 1_000, 200);

    // One full update: 6,400 × 610,462 = 3,906,956,800 FLOPs; × 10,000 / 1e9 = 39,069.568 → 39,069 micro-tokens.
    private const long FullFlops = 3_906_956_800;
    private const long FullPay = 39_069;

    internal static UpdateVerdict Verdict(string node, bool accepted, long samples, double baseLoss, double updatedLoss) =>
        new(node, "blob-" + node, accepted, accepted ? null : "norm too large", samples, 100, 1.0, baseLoss, 0.5, updatedLoss, 0.5, 1.0);

    private static UpdateVerdict Improving(string node, long samples = 6_400) => Verdict(node, true, samples, 0.5, 0.4);

    // ---- QualityBps ----

    [Fact]
    public void A_rejected_update_has_no_quality()
    {
        Assert.Equal(0, Settlement.QualityBps(Verdict("a", false, 6_400, 0.5, 0.4)));
    }

    [Theory]
    [InlineData(0.5, 0.4)]
    [InlineData(0.5, 0.5)]
    [InlineData(0.0, 0.0)]
    public void An_update_that_keeps_or_lowers_the_loss_has_full_quality(double baseLoss, double updatedLoss)
    {
        Assert.Equal(10_000, Settlement.QualityBps(Verdict("a", true, 6_400, baseLoss, updatedLoss)));
    }

    [Fact]
    public void Doubling_the_loss_halves_the_quality()
    {
        Assert.Equal(5_000, Settlement.QualityBps(Verdict("a", true, 6_400, 0.7, 1.4)));
    }

    [Fact]
    public void A_worse_loss_weighs_base_over_updated_rounded_down()
    {
        // floor(10000 × 0.5 / 0.6) = floor(8333.33…) = 8333
        Assert.Equal(8_333, Settlement.QualityBps(Verdict("a", true, 6_400, 0.5, 0.6)));
    }

    [Theory]
    [InlineData(double.NaN, 0.4)]
    [InlineData(0.5, double.NaN)]
    [InlineData(double.PositiveInfinity, 0.4)]
    [InlineData(0.5, double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity, 0.4)]
    [InlineData(0.5, double.NegativeInfinity)]
    public void Non_finite_losses_have_no_quality(double baseLoss, double updatedLoss)
    {
        Assert.Equal(0, Settlement.QualityBps(Verdict("a", true, 6_400, baseLoss, updatedLoss)));
    }

    // ---- Round ----

    [Fact]
    public void An_accepted_improving_update_earns_samples_times_flops_times_price()
    {
        var charge = Settlement.Round(Terms, [Improving("a")], long.MaxValue);
        var line = Assert.Single(charge.Lines);
        Assert.Equal(new RewardLine("a", true, null, 6_400, FullFlops, 0.5, 0.4, 10_000, FullPay, null, 0), line);
        Assert.Equal(FullPay, charge.Compute);
        Assert.Equal(3_906, charge.ValidatorFee);  // floor(39,069 × 1000 / 10000) = floor(3,906.9)
        Assert.Equal(781, charge.ProtocolFee);     // floor(39,069 × 200 / 10000) = floor(781.38)
        Assert.Equal(43_756, charge.Total);        // 39,069 + 3,906 + 781
        Assert.Equal(10_000, charge.ScaleBps);
    }

    [Fact]
    public void An_update_that_contributes_nothing_earns_nothing_and_its_line_shows_why()
    {
        // The validator rejects a copy (its loss is the original's: full quality if it were accepted); the line keeps
        // the evidence and pays 0, and the creator is billed only for the original.
        var evidence = new Contribution(1.0, 0.2, 1.0, "a", 1.0, 0.1, "global step");
        var copy = Verdict("b", true, 6_400, 0.5, 0.4) with
        {
            Accepted = false, Reason = "a copy of node a's update, received earlier", Contribution = evidence,
        };
        var charge = Settlement.Round(Terms, [Improving("a"), copy], long.MaxValue);
        Assert.Equal((0, 0L), (charge.Lines[1].QualityBps, charge.Lines[1].Payout));
        Assert.Same(evidence, charge.Lines[1].Contribution);
        Assert.Equal(copy.Reason, charge.Lines[1].Reason);
        Assert.Equal(FullPay, charge.Compute);
    }

    [Fact]
    public void A_worsening_update_earns_in_proportion_to_its_quality()
    {
        // Loss doubled: quality 5000; 3,906,956,800 × 10,000 × 5,000 × 10,000 / 1e17 = 19,534.784 → 19,534.
        var charge = Settlement.Round(Terms, [Verdict("a", true, 6_400, 0.5, 1.0)], long.MaxValue);
        Assert.Equal(5_000, charge.Lines[0].QualityBps);
        Assert.Equal(19_534, charge.Lines[0].Payout);
        Assert.True(charge.Lines[0].Payout < FullPay);
    }

    [Fact]
    public void A_rejected_update_earns_nothing_and_adds_no_fees()
    {
        var charge = Settlement.Round(Terms, [Verdict("a", false, 6_400, 0.5, 0.4)], long.MaxValue);
        var line = Assert.Single(charge.Lines);
        Assert.False(line.Accepted);
        Assert.Equal("norm too large", line.Reason);
        Assert.Equal(0, line.QualityBps);
        Assert.Equal(0, line.Payout);
        Assert.Equal((0L, 0L, 0L, 0L, 10_000), (charge.Compute, charge.ValidatorFee, charge.ProtocolFee, charge.Total, charge.ScaleBps));

        // Next to an accepted update, the rejected one changes nothing.
        var both = Settlement.Round(Terms, [Improving("b"), Verdict("a", false, 6_400, 0.5, 0.4)], long.MaxValue);
        var alone = Settlement.Round(Terms, [Improving("b")], long.MaxValue);
        Assert.Equal((alone.Compute, alone.ValidatorFee, alone.ProtocolFee, alone.Total), (both.Compute, both.ValidatorFee, both.ProtocolFee, both.Total));
    }

    [Fact]
    public void Samples_above_the_maximum_are_paid_as_the_maximum()
    {
        var charge = Settlement.Round(Terms, [Improving("a", samples: 10_000)], long.MaxValue);
        Assert.Equal(6_400, charge.Lines[0].Samples);
        Assert.Equal(FullFlops, charge.Lines[0].Flops);
        Assert.Equal(FullPay, charge.Lines[0].Payout);
    }

    [Fact]
    public void Fewer_samples_than_the_maximum_are_paid_as_delivered()
    {
        // 3,200 × 610,462 = 1,953,478,400 FLOPs; × 10,000 / 1e9 = 19,534.784 → 19,534.
        var charge = Settlement.Round(Terms, [Improving("a", samples: 3_200)], long.MaxValue);
        Assert.Equal(3_200, charge.Lines[0].Samples);
        Assert.Equal(1_953_478_400, charge.Lines[0].Flops);
        Assert.Equal(19_534, charge.Lines[0].Payout);
    }

    /// <summary>a improves (39,069), b goes 0.5 → 0.6 (quality 8333), c is rejected.</summary>
    private static readonly UpdateVerdict[] Mixed =
        [Improving("a"), Verdict("b", true, 6_400, 0.5, 0.6), Verdict("c", false, 6_400, 0.5, 0.4)];

    [Fact]
    public void A_round_bills_payouts_and_fees_rounded_down()
    {
        var charge = Settlement.Round(Terms, Mixed, 1_000_000);
        Assert.Equal([FullPay, 32_556, 0], charge.Lines.Select(l => l.Payout)); // b: 3,906,956,800 × 8333 / 1e9 = 32,556.67 → 32,556
        Assert.Equal(["a", "b", "c"], charge.Lines.Select(l => l.Node));
        Assert.Equal(71_625, charge.Compute);     // 39,069 + 32,556
        Assert.Equal(7_162, charge.ValidatorFee); // floor(71,625 × 0.10) = floor(7,162.5)
        Assert.Equal(1_432, charge.ProtocolFee);  // floor(71,625 × 0.02) = floor(1,432.5)
        Assert.Equal(80_219, charge.Total);       // 71,625 + 7,162 + 1,432
        Assert.Equal(10_000, charge.ScaleBps);
    }

    [Fact]
    public void A_round_that_exactly_fits_is_not_scaled()
    {
        var charge = Settlement.Round(Terms, Mixed, 80_219);
        Assert.Equal(10_000, charge.ScaleBps);
        Assert.Equal(80_219, charge.Total);
    }

    [Fact]
    public void A_round_the_budget_cannot_pay_is_scaled_until_it_fits()
    {
        // scale = floor(40,000 × 10000 / 80,219) = 4986.
        // a: 3,906,956,800 × 10,000 × 10,000 × 4,986 / 1e17 = 19,480.09 → 19,480
        // b: 3,906,956,800 × 10,000 × 8,333 × 4,986 / 1e17 = 16,232.76 → 16,232
        // compute 35,712; fees floor(3,571.2) = 3,571 and floor(714.24) = 714; total 39,997 ≤ 40,000.
        // (At 4987 the total would be 35,719 + 3,571 + 714 = 40,004 > 40,000.)
        var charge = Settlement.Round(Terms, Mixed, 40_000);
        Assert.Equal(4_986, charge.ScaleBps);
        Assert.Equal([19_480, 16_232, 0], charge.Lines.Select(l => l.Payout));
        Assert.Equal(35_712, charge.Compute);
        Assert.Equal(3_571, charge.ValidatorFee);
        Assert.Equal(714, charge.ProtocolFee);
        Assert.Equal(39_997, charge.Total);
        Assert.True(charge.Total <= 40_000);
        // The quality weight is still reported unscaled: only the payout shrinks.
        Assert.Equal([10_000, 8_333, 0], charge.Lines.Select(l => l.QualityBps));
    }

    [Fact]
    public void One_micro_token_short_scales_the_round()
    {
        var charge = Settlement.Round(Terms, Mixed, 80_218);
        Assert.True(charge.ScaleBps < 10_000);
        Assert.True(charge.Total <= 80_218);
        Assert.All(charge.Lines.Take(2), line => Assert.True(line.Payout < (line.Node == "a" ? FullPay : 32_556)));
    }

    [Fact]
    public void Nothing_remaining_bills_nothing()
    {
        var charge = Settlement.Round(Terms, Mixed, 0);
        Assert.Equal(0, charge.Total);
        Assert.Equal(0, charge.Compute);
        Assert.Equal(0, charge.ValidatorFee);
        Assert.Equal(0, charge.ProtocolFee);
        Assert.Equal(0, charge.ScaleBps);
        Assert.All(charge.Lines, line => Assert.Equal(0, line.Payout));
        Assert.Equal(3, charge.Lines.Count);
    }

    [Fact]
    public void A_round_without_verdicts_bills_nothing()
    {
        var charge = Settlement.Round(Terms, [], 0);
        Assert.Empty(charge.Lines);
        Assert.Equal((0L, 0L, 0L, 0L, 10_000), (charge.Compute, charge.ValidatorFee, charge.ProtocolFee, charge.Total, charge.ScaleBps));
    }

    [Fact]
    public void A_negative_remaining_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Settlement.Round(Terms, Mixed, -1));
    }

    // ---- ExpectedReward and BudgetSpent ----

    // A full round of 3: compute 3 × 39,069 = 117,207; fees floor(11,720.7) = 11,720 and floor(2,344.14) = 2,344; 131,271 in all.
    private const long FullRoundOf3 = 131_271;

    [Fact]
    public void With_enough_budget_a_node_expects_the_full_payout()
    {
        Assert.Equal(FullPay, Settlement.ExpectedReward(Terms, 3, FullRoundOf3));
        Assert.Equal(FullPay, Settlement.ExpectedReward(Terms, 3, long.MaxValue));
    }

    [Fact]
    public void Short_of_a_full_round_a_node_expects_its_share_of_what_remains()
    {
        Assert.Equal(39_068, Settlement.ExpectedReward(Terms, 3, FullRoundOf3 - 1)); // floor(39,069 × 131,270 / 131,271) = 39,068.7…
        Assert.Equal(19_345, Settlement.ExpectedReward(Terms, 3, 65_000));           // floor(39,069 × 65,000 / 131,271) = 19,345.4…
        Assert.Equal(0, Settlement.ExpectedReward(Terms, 3, 0));
        Assert.Equal(0, Settlement.ExpectedReward(Terms, 3, -5));
    }

    [Fact]
    public void Expected_reward_counts_at_least_one_node()
    {
        // One node: 39,069 + 3,906 + 781 = 43,756 pays it in full; maxNodes 0 counts as 1.
        Assert.Equal(FullPay, Settlement.ExpectedReward(Terms, 1, 43_756));
        Assert.Equal(FullPay, Settlement.ExpectedReward(Terms, 0, 43_756));
        Assert.Equal(19_534, Settlement.ExpectedReward(Terms, 0, 21_878)); // floor(39,069 × 21,878 / 43,756) = floor(19,534.5)
    }

    [Fact]
    public void The_budget_is_spent_when_it_cannot_pay_one_full_update_and_its_fees()
    {
        // One full update costs 39,069 + 3,906 + 781 = 43,756.
        Assert.True(Settlement.BudgetSpent(Terms, 0));
        Assert.True(Settlement.BudgetSpent(Terms, 43_755));
        Assert.False(Settlement.BudgetSpent(Terms, 43_756));
        Assert.False(Settlement.BudgetSpent(Terms, 1_000_000));
    }

    [Fact]
    public void A_free_job_is_spent_only_at_zero()
    {
        var free = Terms with { PricePerUnit = 0 };
        Assert.True(Settlement.BudgetSpent(free, 0));
        Assert.False(Settlement.BudgetSpent(free, 1));
    }

    // ---- Terms and the whole job against its quote ----

    [Fact]
    public void Terms_come_from_the_quote_and_the_spec()
    {
        var spec = new JobSpec { Model = "mlp", Rounds = 5, MaxNodes = 3, InnerSteps = 100, BatchSize = 64 };
        var quote = QuoteCalculator.Quote(spec, MlpTraining, 1, 100, [], PriceTable.Default, RoundMachineTests.T0, "q1");
        Assert.Equal(Terms, Settlement.TermsFor(quote, spec));
    }

    [Theory]
    // mlp: units ceil(96,000 × 610,462 / 1e9) = 59 → cost 590,000 + 59,000 + 11,800 = 660,800 quoted.
    //      A round: 3 × 39,069 = 117,207 + 11,720 + 2,344 = 131,271; 5 rounds = 656,355 (99.33 %).
    [InlineData("mlp", MlpTraining, 660_800, 131_271)]
    // cnn: units ceil(96,000 × 15,975,838 / 1e9) = 1,534 → 15,340,000 + 1,534,000 + 306,800 = 17,180,800 quoted.
    //      An update: 6,400 × 15,975,838 × 10,000 / 1e9 = 1,022,453.6 → 1,022,453; a round: 3,067,359 + 306,735 + 61,347 = 3,435,441;
    //      5 rounds = 17,177,205 (99.98 %).
    [InlineData("cnn", CnnTraining, 17_180_800, 3_435_441)]
    public void A_whole_job_never_bills_more_than_its_quote(string model, long flopsPerSample, long quoted, long perRound)
    {
        var spec = new JobSpec { Model = model, Rounds = 5, MaxNodes = 3, InnerSteps = 100, BatchSize = 64 };
        var quote = QuoteCalculator.Quote(spec, flopsPerSample, 1, 100, [], PriceTable.Default, RoundMachineTests.T0, "q1");
        Assert.Equal(quoted, quote.Total);
        var terms = Settlement.TermsFor(quote, spec);

        long billed = 0;
        for (var round = 0; round < spec.Rounds; round++)
        {
            var verdicts = Enumerable.Range(0, spec.MaxNodes)
                .Select(i => Improving($"n{i}", (long)spec.InnerSteps * spec.BatchSize)).ToList();
            var charge = Settlement.Round(terms, verdicts, quote.Total - billed);
            Assert.Equal(10_000, charge.ScaleBps);
            Assert.Equal(perRound, charge.Total);
            billed += charge.Total;
        }

        Assert.Equal(5 * perRound, billed);
        Assert.True(billed <= quote.Total);
        var ratio = (double)billed / quote.Total;
        output.WriteLine($"{model}: billed {billed} of {quote.Total} quoted ({ratio:P3})");
        Assert.True(ratio >= 0.99, $"billed only {ratio:P3} of the quote");
        Assert.False(Settlement.BudgetSpent(terms, quote.Total - 4 * perRound)); // the last round could still be paid
    }
}
