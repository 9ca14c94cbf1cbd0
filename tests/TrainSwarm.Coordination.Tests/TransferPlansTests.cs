using TrainSwarm.Coordination.Market;
using TrainSwarm.Coordination.Records;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Tests;

/// <summary>The market's ledger transfers, planned without a ledger: ids from purpose, exact amounts, the right accounts.</summary>
public class TransferPlansTests
{
    private const string Coordinator = "ts1coordinator";
    private const string Creator = "ts1creator";
    private const string JobId = "j0123456789ab";
    private static readonly DateTimeOffset Now = RoundMachineTests.T0;

    // The default prices with the mlp: 0.01 token per GFLOP, 6,400 samples per update at most, 10% + 2% fees.
    private static readonly RewardTerms Terms = new(10_000, SettlementTests.MlpTraining, 6_400, 1_000, 200);

    private static RoundRecord Round(params string[] nodes) => new(
        JobId + "-r2", JobId, 2, 3, RoundStatus.Done, 1, "base", "fashion-mnist", "mlp", 1, 3, 100, 64, Now, null, null, Now, Now, null, null, null,
        nodes.Select((n, i) => new ParticipantRecord(n, i, i, ParticipantStatus.Submitted, Now, "blob-" + n, Now)).ToList());

    [Fact]
    public void A_stake_is_a_pending_transfer_from_the_wallet_to_the_stake_account_that_outlives_the_round()
    {
        var round = Round();
        var stake = TransferPlans.Stake("ts1node", round, RoundMachineTests.Spec, 1_000_000);
        var spec = RoundMachineTests.Spec;
        Assert.Equal(TransferKind.Pending, stake.Kind);
        Assert.Equal(MarketIds.Stake(round.Id, 3, "ts1node"), stake.Id);
        Assert.Equal((MarketIds.Wallet("ts1node"), MarketIds.StakeAccount("ts1node")), (stake.DebitAccount, stake.CreditAccount));
        Assert.Equal((1_000_000L, Reason.Stake, JobId, 2L), (stake.Amount, stake.Reason, stake.Job, stake.Round));
        Assert.Equal((uint)(spec.OpenSeconds + spec.TrainSeconds + spec.ValidateSeconds + TransferPlans.StakeGraceSeconds), stake.TimeoutSeconds);
    }

    [Fact]
    public void Releasing_stakes_voids_each_participants_stake_of_that_attempt()
    {
        var round = Round("a", "b");
        var voids = TransferPlans.ReleaseStakes(round);
        Assert.Equal(2, voids.Count);
        Assert.All(voids, v => Assert.Equal((TransferKind.Void, Reason.Stake, JobId, 2L), (v.Kind, v.Reason, v.Job, v.Round)));
        Assert.Equal([MarketIds.Unstake(round.Id, 3, "a"), MarketIds.Unstake(round.Id, 3, "b")], voids.Select(v => v.Id));
        Assert.Equal([MarketIds.Stake(round.Id, 3, "a"), MarketIds.Stake(round.Id, 3, "b")], voids.Select(v => v.PendingId));
    }

    [Fact]
    public void A_round_payment_posts_the_total_reserves_the_rest_and_pays_each_node_and_fee_from_escrow()
    {
        var reservation = TransferWire.Hex(MarketIds.Escrow(JobId));
        var charge = Settlement.Round(Terms, [SettlementTests.Verdict("a", true, 6_400, 0.5, 0.4), SettlementTests.Verdict("b", false, 6_400, 0.5, 0.4)],
            1_000_000);
        var plan = TransferPlans.RoundPayment(Coordinator, JobId, Creator, 2, "ts1validator", charge, reservation, 1_000_000, Now.AddHours(2), Now);

        var escrow = MarketIds.EscrowAccount(Coordinator, JobId);
        Assert.Equal([TransferKind.Post, TransferKind.Pending, TransferKind.Single, TransferKind.Single, TransferKind.Single],
            plan.Transfers.Select(t => t.Kind));
        var (post, again, payout, validatorFee, protocolFee) = (plan.Transfers[0], plan.Transfers[1], plan.Transfers[2], plan.Transfers[3], plan.Transfers[4]);
        Assert.Equal((MarketIds.Post(JobId, 2), MarketIds.Escrow(JobId), charge.Total), (post.Id, post.PendingId, post.Amount));
        Assert.Equal((MarketIds.Reserve(JobId, 2), MarketIds.Wallet(Creator), escrow, 1_000_000 - charge.Total, 7_200u),
            (again.Id, again.DebitAccount, again.CreditAccount, again.Amount, again.TimeoutSeconds));
        Assert.Equal((MarketIds.Payout(JobId, 2, "a"), escrow, MarketIds.Claimable("a"), charge.Lines[0].Payout),
            (payout.Id, payout.DebitAccount, payout.CreditAccount, payout.Amount));
        Assert.Equal((MarketIds.Fees("ts1validator"), charge.ValidatorFee), (validatorFee.CreditAccount, validatorFee.Amount));
        Assert.Equal((MarketIds.Fees(Coordinator), charge.ProtocolFee), (protocolFee.CreditAccount, protocolFee.Amount));
        // Money is exact: what leaves the reservation is what the nodes and fees get.
        Assert.Equal(post.Amount, payout.Amount + validatorFee.Amount + protocolFee.Amount);

        Assert.Equal(TransferWire.Hex(post.Id), plan.PostTransferId);
        Assert.Equal((TransferWire.Hex(again.Id), 1_000_000 - charge.Total), (plan.Reservation, plan.Reserved));
        Assert.Equal([TransferWire.Hex(payout.Id), null], plan.Lines.Select(l => l.TransferId));
        Assert.Equal((TransferWire.Hex(validatorFee.Id), TransferWire.Hex(protocolFee.Id)), (plan.ValidatorFee.TransferId, plan.ProtocolFee.TransferId));
    }

    [Fact]
    public void A_round_that_charges_nothing_moves_nothing_and_keeps_the_reservation()
    {
        var reservation = TransferWire.Hex(MarketIds.Escrow(JobId));
        var charge = Settlement.Round(Terms, [SettlementTests.Verdict("a", false, 6_400, 0.5, 0.4)], 1_000_000);
        var plan = TransferPlans.RoundPayment(Coordinator, JobId, Creator, 0, "ts1validator", charge, reservation, 1_000_000, Now.AddHours(2), Now);
        Assert.Empty(plan.Transfers);
        Assert.Equal((null, reservation, 1_000_000L), (plan.PostTransferId, plan.Reservation, plan.Reserved));
        Assert.Equal((0L, (string?)null), (plan.ValidatorFee.Amount, plan.ValidatorFee.TransferId));
    }

    [Fact]
    public void Spending_the_whole_reservation_leaves_none_open()
    {
        var reservation = TransferWire.Hex(MarketIds.Escrow(JobId));
        var charge = Settlement.Round(Terms, [SettlementTests.Verdict("a", true, 6_400, 0.5, 0.4)], 1_000);
        var plan = TransferPlans.RoundPayment(Coordinator, JobId, Creator, 0, "ts1validator", charge, reservation, charge.Total, Now.AddHours(2), Now);
        Assert.Equal((null, 0L), (plan.Reservation, plan.Reserved));
        Assert.DoesNotContain(plan.Transfers, t => t.Kind == TransferKind.Pending);
    }

    [Fact]
    public void A_refund_voids_the_open_reservation_and_there_is_none_without_one()
    {
        var reservation = TransferWire.Hex(MarketIds.Reserve(JobId, 1));
        var refund = TransferPlans.Refund(JobId, reservation, 5_000)!;
        Assert.Equal((TransferKind.Void, MarketIds.Refund(JobId), MarketIds.Reserve(JobId, 1), Reason.Escrow, JobId),
            (refund.Kind, refund.Id, refund.PendingId, refund.Reason, refund.Job));
        Assert.Null(TransferPlans.Refund(JobId, null, 0));
        Assert.Null(TransferPlans.Refund(JobId, reservation, 0));
    }
}
