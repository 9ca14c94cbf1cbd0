using TrainSwarm.Coordination.Market;
using TrainSwarm.Coordination.Records;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Tests;

/// <summary>Stake settlement with slashing: each stake resolves once, only frauds are slashed, and the sums add up.</summary>
public class SlashPlanTests
{
    private const string Coordinator = "ts1coordinator";
    private static readonly DateTimeOffset Now = RoundMachineTests.T0;

    private static RoundRecord Round(IReadOnlyList<string> nodes) => new(
        "j-r1", "j", 1, 2, RoundStatus.Done, 1, "base", "fashion-mnist", "mlp", 1, 8, 100, 64, Now, null, null, Now, Now, null, null, null,
        nodes.Select((n, i) => new ParticipantRecord(n, i, i, ParticipantStatus.Submitted, Now, "blob-" + n, Now)).ToList());

    [Fact]
    public void A_fraud_posts_its_stake_and_moves_it_to_the_protocol_fees_with_reason_slash()
    {
        var transfers = TransferPlans.SettleStakes(Round(["honest", "cheat"]), new HashSet<string> { "cheat" }, 1_000_000, Coordinator);
        Assert.Equal(3, transfers.Count);
        var slash = Assert.Single(transfers, t => t.Reason == Reason.Slash);
        Assert.Equal((MarketIds.StakeAccount("cheat"), MarketIds.Fees(Coordinator), 1_000_000L), (slash.DebitAccount, slash.CreditAccount, slash.Amount));
        var post = Assert.Single(transfers, t => t.Kind == TransferKind.Post);
        Assert.Equal(MarketIds.Stake("j-r1", 2, "cheat"), post.PendingId);
        var release = Assert.Single(transfers, t => t.Kind == TransferKind.Void);
        Assert.Equal(MarketIds.Stake("j-r1", 2, "honest"), release.PendingId);
    }

    [Fact]
    public void Property_every_stake_resolves_once_only_frauds_are_slashed_and_total_moved_is_payouts_fees_and_slashes()
    {
        var random = new Random(13);
        for (var trial = 0; trial < 500; trial++)
        {
            var nodes = Enumerable.Range(0, random.Next(1, 8)).Select(i => $"n{i}").ToList();
            var frauds = nodes.Where(_ => random.Next(3) == 0).ToHashSet();
            var stake = random.Next(1, 5_000_000);
            var round = Round(nodes);
            var transfers = TransferPlans.SettleStakes(round, frauds, stake, Coordinator);
            foreach (var node in nodes)
            {
                var pending = MarketIds.Stake(round.Id, round.Attempt, node);
                Assert.Single(transfers, t => t.PendingId == pending);
                Assert.Equal(frauds.Contains(node) ? 1 : 0, transfers.Count(t => t.Reason == Reason.Slash && t.DebitAccount == MarketIds.StakeAccount(node)));
            }
            Assert.Equal((long)frauds.Count * stake, transfers.Where(t => t.Reason == Reason.Slash).Sum(t => t.Amount));
            // Planning again plans the same ids, which the ledger answers "exists": nobody is slashed twice for a round attempt.
            Assert.Equal(transfers.Select(t => t.Id), TransferPlans.SettleStakes(round, frauds, stake, Coordinator).Select(t => t.Id));
            Assert.Equal(transfers.Count, transfers.Select(t => t.Id).Distinct().Count());

            // What the round moves out of escrow is payouts + fees; slashes come from stakes, never from the creator.
            var verdicts = nodes.Select(n => new UpdateVerdict(n, "b" + n, !frauds.Contains(n), null, 6_400, 100, 1, 2.0, 0.1, 1.0, 0.5, 0,
                Fraud: frauds.Contains(n))).ToList();
            var charge = Settlement.Round(new RewardTerms(10_000, SettlementTests.MlpTraining, 6_400, 1_000, 200), verdicts, long.MaxValue / 4);
            Assert.All(charge.Lines.Where(l => l.Fraud == true), l => Assert.Equal(0, l.Payout));
            Assert.Equal(charge.Total, charge.Lines.Sum(l => l.Payout) + charge.ValidatorFee + charge.ProtocolFee);
        }
    }
}
