using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>A replay-fraud verdict slashes that node's stake once, to the protocol fees; nobody else loses theirs.</summary>
public sealed class SlashApiTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>
{
    [Fact]
    public async Task A_fraud_is_slashed_once_and_an_honest_node_gets_its_stake_back()
    {
        var spec = MarketDriver.RoundSpec;
        var coordinator = (await swarm.InfoAsync()).Address;
        var stake = (await swarm.InfoAsync()).StakePerRound;
        using var creator = await swarm.ActorAsync("creator");
        Quote quote;
        JobView job;
        using (var client = swarm.Client(creator))
        {
            quote = await client.QuoteAsync(spec);
            job = await client.SubmitJobAsync(spec, quote, quote.Total, Client.SwarmClient.DefaultDeadlineSeconds, false);
        }
        var nodes = new List<Protocol.Identity.ActorKey>();
        for (var i = 0; i < 3; i++)
            nodes.Add(await swarm.NodeAsync("fashion-mnist"));
        using var validator = await swarm.ActorAsync("validator");
        var feesBefore = await swarm.AccountBalanceAsync(coordinator, MarketIds.Fees(coordinator));
        long max = spec.InnerSteps * spec.BatchSize;
        var (done, _) = await swarm.RunRoundAsync((await swarm.RoundOfAsync(job.Id)).Id, nodes, validator,
            [new(true, max, 1.0, 0.8), new(false, max, 1.0, 0.8, "replay failed", Fraud: true), new(true, max, 0.5, 1.0)]);
        var rewards = await swarm.SettledRewardsAsync(done.Id);

        var fraudLine = rewards.Lines[1];
        Assert.Equal((true, 0L), (fraudLine.Fraud, fraudLine.Payout));
        Assert.Null(rewards.Lines[0].Fraud);
        Assert.True(rewards.Lines[0].Payout > 0);
        var cheat = await swarm.BalancesAsync(nodes[1].Address);
        Assert.Equal(CoordinatorFixture.StartingFunds - stake, cheat.Wallet);
        foreach (var honest in new[] { nodes[0], nodes[2] })
        {
            Assert.Equal(CoordinatorFixture.StartingFunds, (await swarm.BalancesAsync(honest.Address)).Wallet);
        }
        var fees = await swarm.AccountBalanceAsync(coordinator, MarketIds.Fees(coordinator)) - feesBefore;
        Assert.Equal(rewards.ProtocolFee.Amount + stake, fees);
        using (var client = swarm.Client())
        {
            var view = await client.NodeAsync(nodes[1].Address);
            Assert.Equal((1, stake), (view.Frauds, view.Slashed));
            Assert.Equal(0, (await client.NodeAsync(nodes[0].Address)).Frauds);
        }
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_node_slashed_in_a_job_is_refused_when_it_asks_to_join_the_jobs_later_rounds()
    {
        var spec = MarketDriver.RoundSpec with { Rounds = 2 };
        using var creator = await swarm.ActorAsync("creator");
        JobView job;
        using (var client = swarm.Client(creator))
        {
            var quote = await client.QuoteAsync(spec);
            job = await client.SubmitJobAsync(spec, quote, quote.Total, Client.SwarmClient.DefaultDeadlineSeconds, false);
        }
        var nodes = new List<Protocol.Identity.ActorKey>();
        for (var i = 0; i < 3; i++)
            nodes.Add(await swarm.NodeAsync("fashion-mnist"));
        using var validator = await swarm.ActorAsync("validator");
        long max = spec.InnerSteps * spec.BatchSize;
        await swarm.RunRoundAsync((await swarm.RoundOfAsync(job.Id)).Id, nodes, validator,
            [new(true, max, 1.0, 0.8), new(false, max, 1.0, 0.8, "replay failed", Fraud: true), new(true, max, 0.5, 1.0)]);

        var next = await swarm.RoundOfAsync(job.Id);
        Assert.Equal(1, next.Index);
        using (var cheat = swarm.Client(nodes[1]))
        {
            var refused = await Assert.ThrowsAsync<Client.SwarmApiException>(() => cheat.JoinAsync(next.Id));
            Assert.Equal((System.Net.HttpStatusCode.Forbidden, "Barred for fraud"), (refused.Status, refused.Title));
            Assert.Contains("slashed", refused.Detail, StringComparison.Ordinal);
        }
        // No stake was locked for the refused join, and an honest node still joins.
        Assert.Equal(CoordinatorFixture.StartingFunds - (await swarm.InfoAsync()).StakePerRound, (await swarm.BalancesAsync(nodes[1].Address)).Wallet);
        using (var honest = swarm.Client(nodes[0]))
            Assert.Equal(next.Id, (await honest.JoinAsync(next.Id)).RoundId);
        using (var client = swarm.Client())
            Assert.Equal(1, (await client.NodeAsync(nodes[1].Address)).Frauds);
    }

    [Fact]
    public async Task A_fraud_in_an_attempt_that_is_retried_for_too_few_accepted_updates_is_still_slashed_once()
    {
        var spec = MarketDriver.RoundSpec;
        var coordinator = (await swarm.InfoAsync()).Address;
        var stake = (await swarm.InfoAsync()).StakePerRound;
        using var creator = await swarm.ActorAsync("creator");
        JobView job;
        using (var client = swarm.Client(creator))
        {
            var quote = await client.QuoteAsync(spec);
            job = await client.SubmitJobAsync(spec, quote, quote.Total, Client.SwarmClient.DefaultDeadlineSeconds, false);
        }
        var nodes = new List<Protocol.Identity.ActorKey>();
        for (var i = 0; i < 3; i++)
            nodes.Add(await swarm.NodeAsync("fashion-mnist"));
        using var validator = await swarm.ActorAsync("validator");
        var feesBefore = await swarm.AccountBalanceAsync(coordinator, MarketIds.Fees(coordinator));
        long max = spec.InnerSteps * spec.BatchSize;
        // One accepted update of at least two: the attempt is retried, unpaid.
        await swarm.RunRoundAsync((await swarm.RoundOfAsync(job.Id)).Id, nodes, validator,
            [new(true, max, 1.0, 0.8), new(false, max, 1.0, 0.8, "replay failed", Fraud: true), new(false, max, 1.0, 2.0, "update norm too large")]);

        var retried = await swarm.RoundOfAsync(job.Id);
        Assert.Equal((0, 2), (retried.Index, retried.Attempt));
        await CoordinatorFixture.EventuallyAsync(async () =>
            (await swarm.BalancesAsync(nodes[1].Address)).Wallet == CoordinatorFixture.StartingFunds - stake
            && (await swarm.BalancesAsync(nodes[0].Address)).Wallet == CoordinatorFixture.StartingFunds, "the stakes to settle");
        Assert.Equal(stake, await swarm.AccountBalanceAsync(coordinator, MarketIds.Fees(coordinator)) - feesBefore);
        using (var cheat = swarm.Client(nodes[1]))
            Assert.Equal(System.Net.HttpStatusCode.Forbidden,
                (await Assert.ThrowsAsync<Client.SwarmApiException>(() => cheat.JoinAsync(retried.Id))).Status);
        await swarm.AssertLedgerOkAsync();
    }
}
