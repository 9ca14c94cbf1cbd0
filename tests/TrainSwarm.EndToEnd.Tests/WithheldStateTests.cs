using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>
/// A node that trains honestly but does not supply the states a validator requests (tests/TrainSwarm.CheatingNode,
/// <c>--cheat withhold-state</c>) runs as its own process beside three honest nodes in a two-round job. Silence about a
/// requested state is fraud: the node earns nothing, is slashed exactly once, and the real coordinator refuses it
/// (403 "Barred for fraud") when it asks to join the job's next round; the honest nodes are paid in both rounds and the
/// ledger verifies.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class WithheldStateTests(ITestOutputHelper output)
{
    // Every segment is replayed, so the validator asks each node for its states at steps 25, 50 and 75 and the withholder is
    // judged for certain. No target: the job runs both rounds, so the barred node has a later round to be refused from.
    // maxNodes is the four of round 0, so round 1 (the withholder barred) waits its openSeconds with the honest three,
    // which is when the test asks to join it as the withholder. The state window is short (the honest daemons answer in
    // about a second) so the validator does not wait a minute for the silent node.
    private static readonly JobSpec Spec = new()
    {
        Name = "withholder", Model = "mlp", Dataset = "fashion-mnist", Rounds = 2, MinNodes = 3, MaxNodes = 4, InnerSteps = 100,
        BatchSize = 32, LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9, Strategy = "fedavg", TrainSamples = 12_000,
        OpenSeconds = 30, TrainSeconds = 300, Seed = 14, ReplayShareBps = 10_000, CommitEvery = 25, StateWindowSeconds = 15,
    };

    [Fact]
    public async Task A_node_that_withholds_a_requested_state_earns_nothing_is_slashed_once_and_barred_from_the_next_round()
    {
        await using var net = await DevnetScope.StartAsync(output, nodes: 3);
        var url = net.Net.Url.ToString().TrimEnd('/');
        var keyPath = Path.Combine(net.Folder, "keys", "cheat-withhold-state.pem");
        string withholder;
        using (var key = ActorKey.Generate())
        {
            key.Save(keyPath);
            withholder = key.Address;
            await net.Net.FundAsync(key, "node", Devnet.NodeFunds, CancellationToken.None);
        }
        using var cheater = SwarmProcess.StartDll("cheat-withhold-state", Path.Combine(AppContext.BaseDirectory, "TrainSwarm.CheatingNode.dll"),
            ["--cheat", "withhold-state", "--coordinator", url, "--key", keyPath, "--name", "cheat-withhold-state", "--data-dir",
                DevnetScope.DatasetDirectory, "--threads", "1"],
            net.Net.LogPath("cheat-withhold-state"));
        try
        {
            await RunAsync(net, withholder, keyPath);
        }
        finally
        {
            await cheater.StopAsync(TimeSpan.FromSeconds(5));
        }
    }

    private async Task RunAsync(DevnetScope net, string withholder, string keyPath)
    {
        await Wait.ForAsync(async () => (await net.Creator.NodesAsync()).Count == 4 ? "all registered" : null, TimeSpan.FromMinutes(3),
            "the 3 honest nodes and the withholder to register");
        var honest = (await net.Creator.NodesAsync()).Select(n => n.Address).Where(a => a != withholder).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, honest.Count);

        var quote = await net.Creator.QuoteAsync(Spec);
        var job = await net.Creator.SubmitJobAsync(Spec, quote, quote.Total, 3600);
        var round0 = $"{job.Id}-r0";
        var round1 = $"{job.Id}-r1";

        // Round 1 opens once round 0 is settled, withholder slashed; its own signed join must be refused by the coordinator.
        await Wait.ForAsync(async () => await RoundOrNullAsync(net.Creator, round1), TimeSpan.FromMinutes(10), $"round {round1} to open");
        using (var key = ActorKey.Load(keyPath))
        using (var asWithholder = new SwarmClient(net.Net.Url, key))
        {
            var refused = await Assert.ThrowsAsync<SwarmApiException>(() => asWithholder.JoinAsync(round1));
            output.WriteLine($"join of {round1} as the withholder: {(int)refused.Status} {refused.Title}: {refused.Detail}");
            Assert.Equal((System.Net.HttpStatusCode.Forbidden, "Barred for fraud"), (refused.Status, refused.Title));
            Assert.Contains(round0, refused.Detail, StringComparison.Ordinal);
        }

        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(10));
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(2, job.RoundsDone);

        // Round 0: the withholder's first requested state (step 25) decides; the honest nodes answered every request.
        var verdicts = (await net.Creator.RoundResultAsync(round0)).Result.Verdicts.ToDictionary(v => v.Node, StringComparer.Ordinal);
        var silent = verdicts[withholder];
        output.WriteLine($"withholder verdict: accepted {silent.Accepted}, fraud {silent.Fraud}, segment {silent.ReplaySegment}, reason {silent.Reason}");
        Assert.Equal((false, 0.0, (bool?)true, "steps 25-50"), (silent.Accepted, silent.Weight, silent.Fraud, silent.ReplaySegment));
        Assert.StartsWith("replay failed: the node did not supply the state committed at the start of steps 25-50 within 15 s", silent.Reason,
            StringComparison.Ordinal);
        foreach (var h in honest)
            Assert.True(verdicts[h].Accepted, $"honest {h} was rejected: {verdicts[h].Reason}");
        var requests = await net.Creator.StateRequestsAsync(round0);
        Assert.Equal([25, 50, 75], requests.Where(r => r.Node == withholder).Select(r => r.Step).Order());
        Assert.All(requests.Where(r => r.Node == withholder), r => Assert.Equal(StateRequestStatus.Withheld, r.Status));
        Assert.All(requests.Where(r => r.Node != withholder), r => Assert.Equal(StateRequestStatus.Answered, r.Status));
        // Round 1 went on without it.
        Assert.DoesNotContain((await net.Creator.RoundAsync(round1)).Participants, p => p.Node == withholder);

        // Money: the withholder earns 0 in both rounds and loses one stake, once; every honest node is paid in both rounds.
        var info = await net.Creator.InfoAsync();
        var stake = info.StakePerRound;
        var invoice = await net.SettledInvoiceAsync(job.Id);
        Assert.Equal(2, invoice.Rounds.Count);
        var r0 = invoice.Rounds.Single(r => r.Index == 0).Lines.ToDictionary(l => l.Node, StringComparer.Ordinal);
        Assert.Equal((false, 0L, (string?)null), (r0[withholder].Accepted, r0[withholder].Payout, r0[withholder].TransferId));
        Assert.DoesNotContain(invoice.Rounds.Single(r => r.Index == 1).Lines, l => l.Node == withholder);
        foreach (var round in invoice.Rounds)
            foreach (var h in honest)
                Assert.True(round.Lines.Single(l => l.Node == h).Payout > 0, $"honest {h} was not paid in round {round.Index}");

        var slashes = await SlashesAsync(net);
        var slash = Assert.Single(slashes);
        Assert.Equal((TransferWire.Hex(MarketIds.Slash(round0, 1, withholder)), TransferWire.Hex(MarketIds.StakeAccount(withholder)),
            TransferWire.Hex(MarketIds.Fees(info.Address)), stake), (slash.Id, slash.DebitAccount, slash.CreditAccount, slash.Amount));

        foreach (var node in honest.Append(withholder))
        {
            var paid = invoice.Rounds.SelectMany(r => r.Lines).Where(l => l.Node == node).Sum(l => l.Payout);
            var slashed = node == withholder ? stake : 0;
            var money = await Wait.ForAsync(
                async () => await net.Creator.BalancesAsync(node) is { Reserved: 0, Claimable: 0 } b ? b : null, TimeSpan.FromMinutes(3),
                $"{node}'s stakes to resolve and payouts to be claimed");
            Assert.Equal(Devnet.NodeFunds + paid - slashed, money.Wallet);
            var view = await net.Creator.NodeAsync(node);
            Assert.Equal((paid, slashed > 0 ? 1 : 0, slashed), (view.Earned, view.Frauds, view.Slashed));
        }
        var fees = (await net.Creator.BalancesAsync(info.Address)).Accounts.Single(a => a.Kind == AccountKind.Fees);
        Assert.Equal(invoice.ProtocolFees + stake, fees.Balance);
        await net.VerifyLedgerAsync();
    }

    private static async Task<RoundView?> RoundOrNullAsync(SwarmClient client, string id)
    {
        try
        {
            return await client.RoundAsync(id);
        }
        catch (SwarmApiException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    // Every committed transfer with reason slash.
    private static async Task<List<TransferWire>> SlashesAsync(DevnetScope net)
    {
        var slashes = new List<TransferWire>();
        long after = 0;
        while (true)
        {
            var page = await net.Creator.LedgerEntriesAsync(after, 100);
            if (page.Count == 0)
                return slashes;
            slashes.AddRange(page.Select(e => e.Transfer).OfType<TransferWire>().Where(t => t.Reason == Reason.Slash));
            after = page[^1].Sequence;
        }
    }
}
