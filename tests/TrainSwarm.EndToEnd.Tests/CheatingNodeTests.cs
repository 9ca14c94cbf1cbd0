using TrainSwarm.Cli.Devnet;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>
/// Five cheating nodes (tests/TrainSwarm.CheatingNode: the real node daemon with a trainer that cheats one way each) run
/// as separate processes beside three honest ones, all in one round of a real job. Free riders (a zero delta, a copied
/// blob) are refused by the contribution checks and keep their stake; receipts that lie (skipped steps, the wrong shard,
/// inflated samples) are proved false by replay and each costs its node the stake, once. No cheater earns anything,
/// every honest node is paid and never slashed, the model still reaches the target, and the ledger verifies.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class CheatingNodeTests(ITestOutputHelper output)
{
    private static readonly string[] FreeRiders = ["zero", "copy"];
    private static readonly string[] Frauds = ["skip", "wrong-shard", "lie-samples"];

    // Every segment is replayed (replayShareBps 10000), so each lie is caught in its one round for certain: this test is
    // about what a caught cheater loses, `swarm bench verification` measures how often the default share catches one.
    // The target is one the honest updates of round 0 reach, so the job has exactly one round and each cheater one chance.
    // minNodes counts accepted updates too, so it is the honest three; all eight are registered before the job opens, and
    // the round starts training once maxNodes (eight) have joined.
    private static readonly JobSpec Spec = new()
    {
        Name = "cheaters", Model = "mlp", Dataset = "fashion-mnist", Rounds = 3, MinNodes = 3, MaxNodes = 8, InnerSteps = 100,
        BatchSize = 32, LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9, Strategy = "fedavg", TrainSamples = 12_000,
        OpenSeconds = 180, TrainSeconds = 300, Seed = 13, TargetAccuracy = 0.60, ReplayShareBps = 10_000, CommitEvery = 25,
    };

    [Fact]
    public async Task Cheaters_earn_nothing_free_riders_keep_their_stake_frauds_are_slashed_once_and_honest_nodes_are_paid()
    {
        await using var net = await DevnetScope.StartAsync(output, nodes: 3);
        await using var cheaters = new Cheaters();
        var url = net.Net.Url.ToString().TrimEnd('/');
        var dll = Path.Combine(AppContext.BaseDirectory, "TrainSwarm.CheatingNode.dll");
        var addresses = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var cheat in FreeRiders.Concat(Frauds))
        {
            var keyPath = Path.Combine(net.Folder, "keys", $"cheat-{cheat}.pem");
            using (var key = ActorKey.Generate())
            {
                key.Save(keyPath);
                addresses[cheat] = key.Address;
                await net.Net.FundAsync(key, "node", Devnet.NodeFunds, CancellationToken.None);
            }
            cheaters.Add(SwarmProcess.StartDll($"cheat-{cheat}", dll,
                ["--cheat", cheat, "--coordinator", url, "--key", keyPath, "--name", $"cheat-{cheat}", "--data-dir", DevnetScope.DatasetDirectory,
                    "--threads", "1"],
                net.Net.LogPath($"cheat-{cheat}")));
        }
        await Wait.ForAsync(async () => (await net.Creator.NodesAsync()).Count == 8 ? "all registered" : null, TimeSpan.FromMinutes(3),
            "the 3 honest and 5 cheating nodes to register");
        var honest = (await net.Creator.NodesAsync()).Where(n => n.Name.StartsWith("node-", StringComparison.Ordinal)).Select(n => n.Address)
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, honest.Count);
        var name = addresses.ToDictionary(a => a.Value, a => $"cheat-{a.Key}", StringComparer.Ordinal);
        foreach (var h in honest)
            name[h] = $"honest {h}";

        var quote = await net.Creator.QuoteAsync(Spec);
        var job = await net.Creator.SubmitJobAsync(Spec, quote, quote.Total, 3600);
        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(12));
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.StartsWith("target", job.StatusReason);
        Assert.Equal(1, job.RoundsDone);
        Assert.True(job.LastMetrics!.HoldoutAccuracy >= Spec.TargetAccuracy, $"holdout accuracy {job.LastMetrics.HoldoutAccuracy}");

        var roundId = $"{job.Id}-r0";
        var round = await net.Creator.RoundAsync(roundId);
        Assert.Equal(8, round.Participants.Count);
        var result = (await net.Creator.RoundResultAsync(roundId)).Result;
        foreach (var v in result.Verdicts)
            output.WriteLine($"verdict {name[v.Node]}: accepted {v.Accepted}, weight {v.Weight:F4}, fraud {v.Fraud}, segment {v.ReplaySegment}, " +
                $"reason {v.Reason ?? "-"}");
        var verdicts = result.Verdicts.ToDictionary(v => v.Node, StringComparer.Ordinal);
        Assert.Equal(8, verdicts.Count);

        // Free riders: refused for contributing nothing of their own, not accused of fraud.
        var zero = verdicts[addresses["zero"]];
        Assert.False(zero.Accepted);
        Assert.Contains("zero", zero.Reason, StringComparison.Ordinal);
        var copy = verdicts[addresses["copy"]];
        Assert.False(copy.Accepted);
        Assert.Contains("the same update blob as node", copy.Reason, StringComparison.Ordinal);
        // The original is whoever the coordinator received first, whatever the join order; it keeps its own verdict.
        var copied = round.Participants.Single(p => p.Node != copy.Node && p.UpdateBlob == copy.UpdateBlob);
        var copier = round.Participants.Single(p => p.Node == copy.Node);
        Assert.Contains(copied.Node, copy.Reason, StringComparison.Ordinal);
        Assert.True(copied.SubmittedAt < copier.SubmittedAt, $"original {copied.SubmittedAt:O}, copy {copier.SubmittedAt:O}");
        Assert.DoesNotContain("same update blob", verdicts[copied.Node].Reason ?? "", StringComparison.Ordinal);
        output.WriteLine($"copy (slot {copier.Slot}) copied {name[copied.Node]} (slot {copied.Slot})");
        foreach (var v in new[] { zero, copy })
            Assert.Equal((0.0, (bool?)null), (v.Weight, v.Fraud));

        // Frauds: proved by replay, with the check that failed.
        var expectedSegment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["lie-samples"] = "samples", ["skip"] = "steps 75-100", ["wrong-shard"] = "steps 0-25",
        };
        foreach (var cheat in Frauds)
        {
            var v = verdicts[addresses[cheat]];
            Assert.False(v.Accepted, $"{cheat} was accepted");
            Assert.Equal((0.0, (bool?)true, expectedSegment[cheat]), (v.Weight, v.Fraud, v.ReplaySegment));
            Assert.StartsWith("replay failed", v.Reason, StringComparison.Ordinal);
        }

        // Honest nodes: accepted, replayed in full, and the whole model.
        foreach (var h in honest)
        {
            var v = verdicts[h];
            Assert.True(v.Accepted, $"honest {h} was rejected: {v.Reason}");
            Assert.Null(v.Fraud);
            Assert.Equal(Spec.InnerSteps, v.ReplayedSteps);
        }
        Assert.Equal(1.0, honest.Sum(h => verdicts[h].Weight), 9);

        // States on demand: the nodes uploaded only their last state; the validator requested every segment start
        // (steps 25, 50, 75: the first segment starts from the base) and each node's daemon answered in its window.
        var requests = await net.Creator.StateRequestsAsync(roundId);
        foreach (var h in honest)
            Assert.Equal([25, 50, 75], requests.Where(r => r.Node == h).Select(r => r.Step).Order());
        Assert.All(requests, r => Assert.Equal(StateRequestStatus.Answered, r.Status));
        output.WriteLine($"state requests: {requests.Count}, answered within {requests.Max(r => (r.AnsweredAt!.Value - r.RequestedAt).TotalSeconds):F2} s");

        // Money: cheaters earn exactly 0; each fraud is slashed exactly once, its whole stake, to the protocol's fees account.
        var info = await net.Creator.InfoAsync();
        var stake = info.StakePerRound;
        Assert.True(stake > 0);
        var invoice = await net.SettledInvoiceAsync(job.Id);
        var lines = Assert.Single(invoice.Rounds).Lines.ToDictionary(l => l.Node, StringComparer.Ordinal);
        foreach (var address in addresses.Values)
            Assert.Equal((false, 0L, (string?)null), (lines[address].Accepted, lines[address].Payout, lines[address].TransferId));
        foreach (var h in honest)
            Assert.True(lines[h].Payout > 0, $"honest {h} was paid {lines[h].Payout}");
        Assert.Equal(honest.Sum(h => lines[h].Payout), invoice.ComputePaid);

        var slashes = await SlashesAsync(net);
        Assert.Equal(Frauds.Select(c => addresses[c]).Order(StringComparer.Ordinal),
            slashes.Select(s => NodeOfStake(s, name.Keys)).Order(StringComparer.Ordinal));
        foreach (var cheat in Frauds)
        {
            var node = addresses[cheat];
            var slash = Assert.Single(slashes, s => s.Id == TransferWire.Hex(MarketIds.Slash(roundId, round.Attempt, node)));
            Assert.Equal((TransferKind.Single, TransferWire.Hex(MarketIds.StakeAccount(node)), TransferWire.Hex(MarketIds.Fees(info.Address)), stake,
                job.Id, 0L), (slash.Kind, slash.DebitAccount, slash.CreditAccount, slash.Amount, slash.Job, slash.Round));
        }

        // Balances, exactly, once every stake is resolved and every payout claimed.
        foreach (var (node, label) in name)
        {
            var paid = lines[node].Payout;
            var slashed = Frauds.Any(c => addresses[c] == node) ? stake : 0;
            var money = await Wait.ForAsync(
                async () => await net.Creator.BalancesAsync(node) is { Reserved: 0, Claimable: 0 } b ? b : null, TimeSpan.FromMinutes(3),
                $"{label}'s stake to resolve and payout to be claimed");
            Assert.Equal(Devnet.NodeFunds + paid - slashed, money.Wallet);
            var view = await net.Creator.NodeAsync(node);
            Assert.Equal((paid, slashed > 0 ? 1 : 0, slashed), (view.Earned, view.Frauds, view.Slashed));
        }
        var fees = (await net.Creator.BalancesAsync(info.Address)).Accounts.Single(a => a.Kind == AccountKind.Fees);
        Assert.Equal(invoice.ProtocolFees + Frauds.Length * stake, fees.Balance);
        var creator = await net.Creator.BalancesAsync(net.Creator.Address);
        Assert.Equal((Devnet.CreatorFunds - invoice.TotalBilled, 0L), (creator.Wallet, creator.Reserved));
        await net.VerifyLedgerAsync();
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

    private static string NodeOfStake(TransferWire slash, IEnumerable<string> nodes) =>
        nodes.Single(n => TransferWire.Hex(MarketIds.StakeAccount(n)) == slash.DebitAccount);

    /// <summary>The cheating node processes: stopped (Ctrl+C, then SIGKILL) before the devnet, so their logs are complete.</summary>
    private sealed class Cheaters : IAsyncDisposable
    {
        private readonly List<SwarmProcess> _processes = [];

        public void Add(SwarmProcess process) => _processes.Add(process);

        public async ValueTask DisposeAsync()
        {
            await Task.WhenAll(_processes.Select(p => p.StopAsync(TimeSpan.FromSeconds(5))));
            foreach (var p in _processes)
                p.Dispose();
        }
    }
}
