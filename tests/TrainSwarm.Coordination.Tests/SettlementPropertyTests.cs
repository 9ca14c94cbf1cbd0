using System.Numerics;
using FsCheck;
using FsCheck.Fluent;
using TrainSwarm.Coordination.Market;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Tests;

/// <summary>A generated round: the terms, the verdicts and what is left of the budget.</summary>
public sealed record SettlementCase(RewardTerms Terms, UpdateVerdict[] Verdicts, long Remaining)
{
    public override string ToString() =>
        $"{Terms}, remaining {Remaining}: " + string.Join("; ", Verdicts.Select(v => $"{v.Node} {v.Accepted} {v.Samples} {v.BaseLoss}->{v.UpdatedLoss}"));
}

/// <summary>Property tests of <see cref="Settlement.Round"/> against a BigInteger model of the pay formula.</summary>
public class SettlementPropertyTests(ITestOutputHelper output)
{
    /// <summary>A fixed seed makes every run generate the same cases, so a failure reproduces.</summary>
    private static readonly Config Seeded = Config.QuickThrowOnFailure
        .WithMaxTest(3_000)
        .WithReplay(new Replay(new Rnd(0x5E77_1E11_0000_0001UL, 0x9E37_79B9_7F4A_7C15UL), null))
        .WithQuietOnSuccess(true);

    // ---- generators ----

    private static Gen<long> Long(int max) => Gen.Choose(0, max).Select(v => (long)v);

    private static Gen<RewardTerms> Terms =>
        from price in Gen.Frequency((1, Gen.Constant(0L)), (1, Gen.Constant(10_000L)), (4, Long(100_000)))
        from flops in Gen.Frequency((1, Gen.Constant(610_462L)), (1, Gen.Constant(15_975_838L)), (4, Long(50_000_000)))
        from max in Gen.Frequency((1, Gen.Constant(6_400L)), (4, Long(20_000)))
        from validator in Gen.Frequency((2, Gen.Constant(1_000)), (1, Gen.Constant(0)), (1, Gen.Constant(10_000)), (2, Gen.Choose(0, 10_000)))
        from protocol in Gen.Frequency((2, Gen.Constant(200)), (1, Gen.Constant(0)), (1, Gen.Constant(10_000)), (2, Gen.Choose(0, 10_000)))
        select new RewardTerms(price, flops, max, validator, protocol);

    private static Gen<double> Loss => Gen.Frequency(
        (8, Gen.Choose(0, 3_000).Select(l => l / 1_000.0)),
        (1, Gen.Elements(double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.5)));

    private static Gen<UpdateVerdict> Verdict =>
        from node in Gen.Choose(0, 99)
        from accepted in Gen.Frequency((3, Gen.Constant(true)), (1, Gen.Constant(false)))
        from samples in Gen.Frequency((1, Gen.Constant(6_400L)), (4, Long(25_000)), (1, Gen.Choose(-100, 0).Select(s => (long)s)))
        from baseLoss in Loss
        from updatedLoss in Loss
        select SettlementTests.Verdict($"n{node}", accepted, samples, baseLoss, updatedLoss);

    /// <summary>Remaining budgets around the round's unscaled total: nothing, a fraction of it, just short, exactly, more.</summary>
    private static Gen<SettlementCase> Case =>
        from terms in Terms
        from count in Gen.Choose(0, 8)
        from verdicts in Verdict.ArrayOf(count)
        let full = (long)ModelTotal(terms, verdicts)
        from remaining in Gen.Frequency(
            (1, Gen.Constant(0L)),
            (4, Gen.Choose(0, 10_000).Select(bps => (long)((BigInteger)full * bps / 10_000))),
            (1, Gen.Choose(1, 3).Select(d => Math.Max(0, full - d))),
            (1, Gen.Constant(full)),
            (2, Long(1_000_000).Select(extra => full + extra)))
        select new SettlementCase(terms, verdicts, remaining);

    // ---- the model: the documented formula, in BigInteger ----

    private static long Samples(RewardTerms terms, UpdateVerdict v) => Math.Clamp(v.Samples, 0, terms.MaxSamplesPerUpdate);

    /// <summary>floor(samples × FLOPs × price × quality × scale / (10^9 × 10^4 × 10^4)).</summary>
    private static long ModelPay(RewardTerms terms, UpdateVerdict v, int scaleBps) =>
        (long)((BigInteger)Samples(terms, v) * terms.TrainingFlopsPerSample * terms.PricePerUnit * Settlement.QualityBps(v) * scaleBps
               / (BigInteger.Pow(10, 9) * 10_000 * 10_000));

    private static long Fee(long compute, int bps) => (long)((BigInteger)compute * bps / 10_000);

    private static BigInteger ModelTotal(RewardTerms terms, IReadOnlyList<UpdateVerdict> verdicts)
    {
        var compute = verdicts.Sum(v => ModelPay(terms, v, 10_000));
        return (BigInteger)compute + Fee(compute, terms.ValidatorFeeBps) + Fee(compute, terms.ProtocolFeeBps);
    }

    private static void ForAll(Action<SettlementCase> property) => Check.One(Seeded, Prop.ForAll(Arb.From(Case), property));

    // ---- properties ----

    [Fact]
    public void A_round_never_bills_more_than_remains()
    {
        ForAll(c =>
        {
            var charge = Settlement.Round(c.Terms, c.Verdicts, c.Remaining);
            Assert.InRange(charge.Total, 0, c.Remaining);
            Assert.InRange(charge.ScaleBps, 0, 10_000);
        });
    }

    [Fact]
    public void The_total_is_the_payouts_plus_their_fees()
    {
        ForAll(c =>
        {
            var charge = Settlement.Round(c.Terms, c.Verdicts, c.Remaining);
            Assert.Equal(charge.Lines.Sum(l => l.Payout), charge.Compute);
            Assert.Equal(Fee(charge.Compute, c.Terms.ValidatorFeeBps), charge.ValidatorFee);
            Assert.Equal(Fee(charge.Compute, c.Terms.ProtocolFeeBps), charge.ProtocolFee);
            Assert.Equal(charge.Compute + charge.ValidatorFee + charge.ProtocolFee, charge.Total);
        });
    }

    [Fact]
    public void Payouts_are_never_negative_and_a_rejected_update_earns_nothing()
    {
        ForAll(c =>
        {
            var charge = Settlement.Round(c.Terms, c.Verdicts, c.Remaining);
            Assert.All(charge.Lines, line => Assert.True(line.Payout >= 0, $"{line.Node} paid {line.Payout}"));
            Assert.All(charge.Lines.Where(l => !l.Accepted), line => Assert.Equal((0, 0L), (line.QualityBps, line.Payout)));
        });
    }

    [Fact]
    public void Lines_keep_the_verdicts_order_nodes_and_inputs()
    {
        ForAll(c =>
        {
            var charge = Settlement.Round(c.Terms, c.Verdicts, c.Remaining);
            Assert.Equal(c.Verdicts.Length, charge.Lines.Count);
            foreach (var (v, line) in c.Verdicts.Zip(charge.Lines))
            {
                Assert.Equal((v.Node, v.Accepted, v.Reason), (line.Node, line.Accepted, line.Reason));
                Assert.Equal(v.BaseLoss, line.BaseLoss);
                Assert.Equal(v.UpdatedLoss, line.UpdatedLoss);
                Assert.Equal(Samples(c.Terms, v), line.Samples);
                Assert.Equal(line.Samples * c.Terms.TrainingFlopsPerSample, line.Flops);
                Assert.Equal(Settlement.QualityBps(v), line.QualityBps);
                Assert.Null(line.TransferId);
                Assert.Equal(0, line.Sequence);
            }
        });
    }

    [Fact]
    public void With_enough_budget_every_update_is_paid_the_unscaled_formula()
    {
        var checkedCases = 0;
        ForAll(c =>
        {
            if (c.Remaining < ModelTotal(c.Terms, c.Verdicts))
                return;
            checkedCases++;
            var charge = Settlement.Round(c.Terms, c.Verdicts, c.Remaining);
            Assert.Equal(10_000, charge.ScaleBps);
            Assert.Equal(c.Verdicts.Select(v => ModelPay(c.Terms, v, 10_000)), charge.Lines.Select(l => l.Payout));
            Assert.Equal(ModelTotal(c.Terms, c.Verdicts), charge.Total);
        });
        output.WriteLine($"{checkedCases} rounds with enough budget");
        Assert.True(checkedCases >= 300, $"only {checkedCases} rounds had enough budget");
    }

    [Fact]
    public void Short_of_budget_every_line_is_scaled_alike_and_pay_stays_monotone_in_quality()
    {
        var checkedCases = 0;
        ForAll(c =>
        {
            if (c.Remaining >= ModelTotal(c.Terms, c.Verdicts))
                return;
            checkedCases++;
            var charge = Settlement.Round(c.Terms, c.Verdicts, c.Remaining);
            Assert.True(charge.ScaleBps < 10_000, $"scale {charge.ScaleBps} for a round it cannot pay in full");
            // Every line is the formula at the same scale, and never more than it would be unscaled.
            Assert.Equal(c.Verdicts.Select(v => ModelPay(c.Terms, v, charge.ScaleBps)), charge.Lines.Select(l => l.Payout));
            foreach (var (v, line) in c.Verdicts.Zip(charge.Lines))
                Assert.True(line.Payout <= ModelPay(c.Terms, v, 10_000));
            // More quality for the same samples (more generally, more samples × quality) never pays less.
            foreach (var a in charge.Lines)
            foreach (var b in charge.Lines)
            {
                if (a.Samples * a.QualityBps <= b.Samples * b.QualityBps)
                    Assert.True(a.Payout <= b.Payout,
                        $"{a.Node} ({a.Samples} × {a.QualityBps}) paid {a.Payout} > {b.Node} ({b.Samples} × {b.QualityBps}) paid {b.Payout}");
            }
        });
        output.WriteLine($"{checkedCases} rounds short of budget");
        Assert.True(checkedCases >= 300, $"only {checkedCases} rounds were short of budget");
    }

    [Fact]
    public void Quality_is_a_basis_point_weight_that_falls_as_the_loss_rises()
    {
        var gen = from v in Verdict from worse in Gen.Choose(0, 3_000) select (v, worse / 1_000.0);
        Check.One(Seeded, Prop.ForAll(Arb.From(gen), pair =>
        {
            var (v, worse) = pair;
            var quality = Settlement.QualityBps(v);
            Assert.InRange(quality, 0, 10_000);
            if (!v.Accepted)
                Assert.Equal(0, quality);
            if (v.Accepted && v.BaseLoss >= 0 && double.IsFinite(v.BaseLoss) && double.IsFinite(v.UpdatedLoss) && v.UpdatedLoss <= v.BaseLoss)
                Assert.Equal(10_000, quality);
            Assert.True(Settlement.QualityBps(v with { UpdatedLoss = v.UpdatedLoss + worse }) <= quality || !double.IsFinite(v.UpdatedLoss));
        }));
    }
}
