using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>
/// Two coordinator replicas (real processes) on one PostgreSQL schema serve one network: a job submitted through one
/// replica is trained by daemons talking to the other; the leader (which alone runs the deadline ticker and the ledger
/// outbox) can be killed mid-job, the other takes over, and the money still settles exactly.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ReplicaTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private static JobSpec QuickMlp(int rounds, int maxNodes) => new()
    {
        Name = "replicas", Model = "mlp", Dataset = "fashion-mnist", Rounds = rounds, MinNodes = 1, MaxNodes = maxNodes, InnerSteps = 50,
        BatchSize = 64, LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9, Strategy = "fedavg", TrainSamples = 12_000,
        OpenSeconds = 5, TrainSeconds = 120, Seed = 7,
    };

    [PostgresFact]
    public async Task A_job_submitted_through_replica_a_trained_through_replica_b_completes_settles_exactly_and_streams_from_either()
    {
        await using var schema = await TestSchema.CreateAsync();
        await using var net = await DevnetScope.StartAsync(output, nodes: 1, database: schema.Connection, replicas: 2);
        // The node and the validator talk to replica B only; the creator (net.Creator) to replica A.
        Assert.Equal((1, 1), (net.Net.ReplicaOfNode(1), net.Net.ReplicaOfValidator(1)));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var leader = await ReplicaHealth.WaitForLeaderAsync(http, net.Net.Urls, Generous, CancellationToken.None);
        var views = new[] { await ReplicaHealth.ReadAsync(http, net.Net.Urls[0], default), await ReplicaHealth.ReadAsync(http, net.Net.Urls[1], default) };
        Assert.Equal(["coordinator", "coordinator-2"], views.Select(v => v!.Replica));
        Assert.Equal(1, views.Count(v => v!.Leading));
        Assert.All(views, v => Assert.Equal(Devnet.ReplicaName(leader), v!.Leader));

        using var onB = new SwarmClient(net.Net.Urls[1], net.Net.Creator);
        // Live events on A, collected from before the job exists: the node's updates are committed by B and must reach A's subscribers.
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        var live = CollectUntilAsync(net.Creator.LiveEventsAsync(stop.Token), EventTypes.JobSettled);
        var job = await net.Creator.SubmitJobAsync(QuickMlp(rounds: 2, maxNodes: 1));
        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(6));
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(2, job.RoundsDone);

        var invoice = await net.SettledInvoiceAsync(job.Id);
        await AssertSettledExactlyAsync(net.Creator, invoice);
        // B tells exactly what A tells.
        Assert.Equal(SwarmJson.Serialize(await net.Creator.JobAsync(job.Id)), SwarmJson.Serialize(await onB.JobAsync(job.Id)));
        Assert.Equal(SwarmJson.Serialize(invoice), SwarmJson.Serialize(await onB.InvoiceAsync(job.Id)));

        var stored = (await onB.EventLogAsync(0, 1000, job.Id)).Events;
        var streamed = (await live).Where(e => e.JobId == job.Id).ToList();
        Assert.Equal(stored.Select(e => e.Sequence), streamed.Select(e => e.Sequence));
        Assert.Contains(streamed, e => e.Type == EventTypes.UpdateReceived);
        // An SSE client that read the first events from A reconnects to B with Last-Event-ID and gets the rest, no gap, no repeat.
        var head = await TakeAsync(net.Creator.EventsAsync(job.Id), 3);
        var rest = await TakeAsync(onB.EventsAsync(job.Id, head[^1].Sequence), stored.Count - 3);
        Assert.Equal(stored.Select(e => e.Sequence), head.Concat(rest).Select(e => e.Sequence));
        Assert.True((await onB.VerifyLedgerAsync()).Ok);
    }

    [PostgresFact]
    public async Task Killing_the_leader_mid_job_hands_leadership_to_the_other_replica_and_the_job_still_completes_and_settles_exactly()
    {
        await using var schema = await TestSchema.CreateAsync();
        // node-1 and the validator on replica B, node-2 on replica A.
        await using var net = await DevnetScope.StartAsync(output, nodes: 2, database: schema.Connection, replicas: 2);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var job = await net.Creator.SubmitJobAsync(QuickMlp(rounds: 3, maxNodes: 2));
        await Wait.ForAsync(async () => await net.Creator.RoundAsync($"{job.Id}-r0") is { Status: RoundStatus.Done } r ? r : null,
            TimeSpan.FromMinutes(4), "round 0 to be done");

        var leader = await ReplicaHealth.WaitForLeaderAsync(http, net.Net.Urls, Generous, CancellationToken.None);
        var survivor = 1 - leader;
        Assert.True((await net.Creator.JobAsync(job.Id)).Status == JobStatus.Running, "the job ended before the leader was killed");
        net.Net.Coordinators[leader]!.Kill();
        output.WriteLine($"killed the leader {Devnet.ReplicaName(leader)} (SIGKILL)");
        var taken = await Wait.ForAsync(async () => await ReplicaHealth.ReadAsync(http, net.Net.Urls[survivor], default) is { Leading: true } h ? h : null,
            Generous, $"{Devnet.ReplicaName(survivor)} to lead");
        Assert.Equal(Devnet.ReplicaName(survivor), taken.Leader);

        // A supervisor restarts the killed replica (its daemons reconnect to it); it follows the new leader.
        await net.Net.StartReplicaAsync(leader, CancellationToken.None);
        var back = await Wait.ForAsync(() => ReplicaHealth.ReadAsync(http, net.Net.Urls[leader], default), Generous, "the restarted replica to answer");
        Assert.False(back.Leading);
        Assert.Equal(Devnet.ReplicaName(survivor), back.Leader);

        using var creator = new SwarmClient(net.Net.Urls[survivor], net.Net.Creator);
        var ended = await Wait.ForAsync(async () => await creator.JobAsync(job.Id) is { Status: not JobStatus.Running } j ? j : null,
            TimeSpan.FromMinutes(6), "the job to end");
        Assert.Equal(JobStatus.Completed, ended.Status);
        Assert.Equal(3, ended.RoundsDone);
        var invoice = await Wait.ForAsync(async () => await creator.InvoiceAsync(job.Id) is { Settled: true } i ? i : null,
            TimeSpan.FromMinutes(2), "the invoice to settle");
        await AssertSettledExactlyAsync(creator, invoice);
        Assert.True((await creator.VerifyLedgerAsync()).Ok);
    }

    // Money is exact: what the rounds paid is the compute line, billed + refunded is what was reserved, and the creator's
    // wallet lost exactly the bill with nothing left reserved.
    private static async Task AssertSettledExactlyAsync(SwarmClient creator, Invoice invoice)
    {
        Assert.Equal(invoice.Rounds.SelectMany(r => r.Lines).Sum(l => l.Payout), invoice.ComputePaid);
        Assert.Equal(invoice.Reserved, invoice.TotalBilled + invoice.Refund);
        var balances = await creator.BalancesAsync(creator.Address);
        Assert.Equal((Devnet.CreatorFunds - invoice.TotalBilled, 0L), (balances.Wallet, balances.Reserved));
    }

    private static async Task<List<SwarmEvent>> CollectUntilAsync(IAsyncEnumerable<SwarmEvent> events, string lastType)
    {
        var seen = new List<SwarmEvent>();
        await foreach (var e in events)
        {
            seen.Add(e);
            if (e.Type == lastType)
                break;
        }
        return seen;
    }

    private static async Task<List<SwarmEvent>> TakeAsync(IAsyncEnumerable<SwarmEvent> events, int count)
    {
        using var timeout = new CancellationTokenSource(Generous);
        var taken = new List<SwarmEvent>();
        await foreach (var e in events.WithCancellation(timeout.Token))
        {
            taken.Add(e);
            if (taken.Count == count)
                break;
        }
        return taken;
    }
}
