using FsCheck;
using FsCheck.Fluent;
using TrainSwarm.Coordination.Market;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Tests;

/// <summary>The validator fee of a quorum, split exactly among the agreeing validators; dissenters are paid nothing.</summary>
public class FeeSplitTests
{
    private const string Coordinator = "ts1coordinator";
    private const string Creator = "ts1creator";
    private const string JobId = "j0123456789ab";
    private static readonly DateTimeOffset Now = RoundMachineTests.T0;
    private static readonly RewardTerms Terms = new(10_000, SettlementTests.MlpTraining, 6_400, 1_000, 200);

    private static readonly Config Seeded = Config.QuickThrowOnFailure
        .WithMaxTest(2_000)
        .WithReplay(new Replay(new Rnd(0x9E37_79B9_0000_0013UL, 0x5E77_1E11_7F4A_7C15UL), null))
        .WithQuietOnSuccess(true);

    [Theory]
    [InlineData(10, new[] { "a", "b" }, new long[] { 5, 5 })]
    [InlineData(11, new[] { "a", "b" }, new long[] { 6, 5 })]
    [InlineData(11, new[] { "b", "a" }, new long[] { 6, 5 })]
    [InlineData(100, new[] { "a", "b", "c" }, new long[] { 34, 33, 33 })]
    [InlineData(101, new[] { "a", "b", "c" }, new long[] { 34, 34, 33 })]
    [InlineData(2, new[] { "a", "b", "c" }, new long[] { 1, 1, 0 })]
    [InlineData(0, new[] { "a", "b" }, new long[] { 0, 0 })]
    [InlineData(7, new[] { "a" }, new long[] { 7 })]
    public void Each_gets_the_floor_and_the_earliest_posters_one_micro_token_of_the_rest(long fee, string[] agreeing, long[] expected)
    {
        var shares = FeeSplit.Split(fee, agreeing);
        Assert.Equal(agreeing, shares.Select(s => s.Validator));
        Assert.Equal(expected, shares.Select(s => s.Amount));
    }

    [Fact]
    public void No_validator_and_a_validator_twice_are_refused()
    {
        Assert.Throws<ArgumentException>(() => FeeSplit.Split(10, []));
        Assert.Throws<ArgumentException>(() => FeeSplit.Split(10, ["a", "a"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => FeeSplit.Split(-1, ["a"]));
    }

    [Fact]
    public void Shares_sum_to_the_fee_and_differ_by_at_most_one_micro_token_the_larger_first()
    {
        var gen = from fee in Gen.Frequency((1, Gen.Constant(0L)), (4, Gen.Choose(0, int.MaxValue).Select(f => (long)f)),
                      (1, Gen.Choose(0, 1000).Select(f => long.MaxValue - f)))
                  from k in Gen.Choose(1, 16)
                  select (fee, k);
        Check.One(Seeded, Prop.ForAll(Arb.From(gen), c =>
        {
            var shares = FeeSplit.Split(c.fee, Enumerable.Range(0, c.k).Select(i => $"v{i}").ToList());
            Assert.Equal(c.fee, shares.Aggregate(0L, (sum, s) => checked(sum + s.Amount)));
            Assert.All(shares, s => Assert.InRange(s.Amount - c.fee / c.k, 0, 1));
            Assert.Equal(shares.Select(s => s.Amount).OrderDescending(), shares.Select(s => s.Amount));
        }));
    }

    [Fact]
    public void A_quorum_round_payment_moves_exactly_the_payouts_and_fees_with_one_transfer_per_nonzero_share()
    {
        // Rounds of 1 to 6 updates, paid to 2 to 5 agreeing validators: what leaves the escrow account is the charge,
        // to the micro-token, and the dissenting validator's fees account is never credited.
        var gen = from count in Gen.Choose(1, 6)
                  from samples in Gen.Choose(0, 6_400).ArrayOf(count)
                  from validators in Gen.Choose(2, 5)
                  from feeBps in Gen.Choose(0, 10_000)
                  select (samples, validators, feeBps);
        Check.One(Seeded.WithMaxTest(500), Prop.ForAll(Arb.From(gen), c =>
        {
            var terms = Terms with { ValidatorFeeBps = c.feeBps };
            var verdicts = c.samples.Select((s, i) => SettlementTests.Verdict($"n{i}", true, s, 0.5, 0.4)).ToList();
            var charge = Settlement.Round(terms, verdicts, 1_000_000_000);
            var agreeing = Enumerable.Range(0, c.validators).Select(i => $"ts1validator{i}").ToList();
            var plan = TransferPlans.RoundPayment(Coordinator, JobId, Creator, 1, agreeing, charge, TransferWire.Hex(MarketIds.Escrow(JobId)),
                1_000_000_000, Now.AddHours(2), Now);
            var escrow = MarketIds.EscrowAccount(Coordinator, JobId);
            var moved = plan.Transfers.Where(t => t.Kind == TransferKind.Single && t.DebitAccount == escrow).Sum(t => t.Amount);
            var payouts = plan.Lines.Sum(l => l.Payout);
            Assert.Equal(charge.Total, moved);
            Assert.Equal(payouts + charge.ValidatorFee + charge.ProtocolFee, moved);
            var shares = plan.ValidatorShares!;
            Assert.Equal(agreeing, shares.Select(s => s.Payee));
            Assert.Equal(charge.ValidatorFee, shares.Sum(s => s.Amount));
            Assert.Equal((charge.ValidatorFee, (string?)null), (plan.ValidatorFee.Amount, plan.ValidatorFee.TransferId));
            var shareTransfers = plan.Transfers.Where(t => t.Reason == Reason.Fee && t.CreditAccount != MarketIds.Fees(Coordinator)).ToList();
            Assert.Equal(shares.Count(s => s.Amount > 0), shareTransfers.Count);
            foreach (var s in shares.Where(s => s.Amount > 0))
                Assert.Single(shareTransfers, t => t.Id == MarketIds.ValidatorShare(JobId, 1, s.Payee) && t.Amount == s.Amount
                    && t.CreditAccount == MarketIds.Fees(s.Payee));
            Assert.DoesNotContain(plan.Transfers, t => t.CreditAccount == MarketIds.Fees("ts1dissenter"));
            Assert.Equal(plan.Transfers.Count, plan.Transfers.Select(t => t.Id).Distinct().Count());
        }));
    }

    [Fact]
    public void One_validator_is_paid_as_before_with_no_shares()
    {
        var charge = Settlement.Round(Terms, [SettlementTests.Verdict("a", true, 6_400, 0.5, 0.4)], 1_000_000);
        var plan = TransferPlans.RoundPayment(Coordinator, JobId, Creator, 0, ["ts1validator"], charge, TransferWire.Hex(MarketIds.Escrow(JobId)),
            1_000_000, Now.AddHours(2), Now);
        Assert.Null(plan.ValidatorShares);
        Assert.Equal(TransferWire.Hex(MarketIds.Fee(JobId, 0, "validator")), plan.ValidatorFee.TransferId);
    }
}
