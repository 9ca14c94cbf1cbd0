using System.Globalization;
using System.Text;
using TrainSwarm.Client;
using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// A data directory written by the coordinator before the domain records existed (Fixtures/StoredBeforeRecords, made
/// at commit f14c086; see its README) opens with the new code exactly as stored, and its jobs resume: the open round
/// runs to the end and pays, the untouched job is cancelled and refunded, and the ledger still verifies.
/// </summary>
public sealed class StoredStateCompatibilityTests : IAsyncLifetime
{
    private static readonly string Fixture = Path.Combine(AppContext.BaseDirectory, "Fixtures", "StoredBeforeRecords");

    private readonly CoordinatorFixture _swarm;

    // The coordinator and every signing client run on a clock set back to just after the fixture was written, so its
    // deadlines, stakes and escrow expiries are as far away as they were then, whenever the test runs.
    private readonly TimeProvider _clock;

    public StoredStateCompatibilityTests()
    {
        var stoppedAt = DateTimeOffset.Parse(File.ReadAllText(Path.Combine(Fixture, "stopped-at.txt")).Trim(), CultureInfo.InvariantCulture);
        _clock = new SkewedClock(stoppedAt.AddSeconds(1) - DateTimeOffset.UtcNow);
        var directory = Path.Combine(Path.GetTempPath(), "ts-coordinator-compat-" + Guid.NewGuid().ToString("N"));
        CopyDirectory(Path.Combine(Fixture, "data"), directory);
        _swarm = new CoordinatorFixture { DataDirectory = directory, Clock = _clock };
    }

    public Task InitializeAsync() => _swarm.InitializeAsync();

    public Task DisposeAsync() => _swarm.DisposeAsync();

    [Fact]
    public async Task Stored_documents_read_into_the_records_and_write_back_byte_for_byte()
    {
        var store = await SwarmStore.OpenAsync(Path.Combine(_swarm.DataDirectory, "swarm.db"));
        var jobs = await store.LoadAsync("job");
        var rounds = await store.LoadAsync("round");
        Assert.Equal(2, jobs.Count);
        Assert.Equal(3, rounds.Count);
        foreach (var json in jobs)
            Assert.Equal(json, SwarmJson.Serialize(SwarmJson.Deserialize<JobRecord>(json)));
        foreach (var json in rounds)
            Assert.Equal(json, SwarmJson.Serialize(SwarmJson.Deserialize<RoundRecord>(json)));
        // The documents whose types did not change read and write back the same too: the whole schema is as it was.
        await AssertRoundTripsAsync<ActorRecord>(store, "actor", 6);
        await AssertRoundTripsAsync<NodeRecord>(store, "node", 3);
        await AssertRoundTripsAsync<UpdateSubmission>(store, "update", 3);
        await AssertRoundTripsAsync<RoundResultSubmission>(store, "result", 1);
        await AssertRoundTripsAsync<Quote>(store, "quote", 2);
        await AssertRoundTripsAsync<EscrowRecord>(store, "escrow", 2);
        await AssertRoundTripsAsync<OutboxItem>(store, "outbox", 9);
    }

    private static async Task AssertRoundTripsAsync<T>(SwarmStore store, string kind, int count)
    {
        var documents = await store.LoadAsync(kind);
        Assert.Equal(count, documents.Count);
        foreach (var json in documents)
            Assert.Equal(json, SwarmJson.Serialize(SwarmJson.Deserialize<T>(json)));
    }

    [Fact]
    public async Task The_state_opens_exactly_as_the_old_coordinator_served_it()
    {
        using var client = _swarm.Client();
        var jobs = await client.JobsAsync();
        Assert.Equal(View("jobs.json"), SwarmJson.Serialize(jobs));
        var (a, b) = (jobs.Single(j => j.Spec.Name == "fixture"), jobs.Single(j => j.Spec.Name == "fixture two"));
        Assert.Equal(View("rounds-a.json"), SwarmJson.Serialize(await client.JobRoundsAsync(a.Id)));
        Assert.Equal(View("rounds-b.json"), SwarmJson.Serialize(await client.JobRoundsAsync(b.Id)));
        Assert.Equal(View("invoice-a.json"), SwarmJson.Serialize(await client.InvoiceAsync(a.Id)));
        Assert.Equal(View("invoice-b.json"), SwarmJson.Serialize(await client.InvoiceAsync(b.Id)));
        Assert.Equal(View("rewards-a0.json"), SwarmJson.Serialize(await client.RoundRewardsAsync(a.Id + "-r0")));
        Assert.Equal(View("result-a0.json"), SwarmJson.Serialize(await client.RoundResultAsync(a.Id + "-r0")));
        var balances = SwarmJson.Deserialize<List<Balances>>(View("balances.json"));
        foreach (var before in balances)
            Assert.Equal(SwarmJson.Serialize(before), SwarmJson.Serialize(await client.BalancesAsync(before.Address)));
        using var node0 = Key("node0");
        Assert.Equal(View("assignments-node0.json"), SwarmJson.Serialize(await client.AssignmentsAsync(node0.Address)));
        Assert.Equal(View("ledger-verify.json"), SwarmJson.Serialize(await client.VerifyLedgerAsync()));

        // The ids, statuses and amounts the fixture's README describes, spelled out.
        Assert.Equal((JobStatus.Running, 1, 1), (a.Status, a.CurrentRound, a.RoundsDone));
        Assert.Equal((JobStatus.Running, 0, 0), (b.Status, b.CurrentRound, b.RoundsDone));
        var round1 = (await client.JobRoundsAsync(a.Id))[^1];
        Assert.Equal((a.Id + "-r1", 1, RoundStatus.Open), (round1.Id, round1.Attempt, round1.Status));
        Assert.Equal([node0.Address], round1.Participants.Select(p => p.Node));
        var invoice = await client.InvoiceAsync(a.Id);
        Assert.Equal(invoice.TotalBilled, Assert.Single(invoice.Rounds).Total);
        Assert.Equal(b.Billing!.Budget, (await client.BalancesAsync(b.Creator)).Reserved);
    }

    [Fact]
    public async Task The_open_round_runs_to_the_end_and_pays_and_the_other_job_is_cancelled_and_refunded()
    {
        using var creator = Key("creator");
        using var creator2 = Key("creator2");
        using var validator = Key("validator");
        var nodes = new[] { Key("node0"), Key("node1"), Key("node2") };
        JobView a, b;
        using (var reader = _swarm.Client())
        {
            var jobs = await reader.JobsAsync();
            (a, b) = (jobs.Single(j => j.Spec.Name == "fixture"), jobs.Single(j => j.Spec.Name == "fixture two"));
        }
        var creator2Before = await _swarm.BalancesAsync(creator2.Address);
        var spentBefore = a.Billing!.Spent;

        // Job B: cancelled by its creator, the whole budget comes back.
        using (var client = _swarm.Client(creator2, _clock))
            Assert.Equal(JobStatus.Cancelled, (await client.CancelJobAsync(b.Id)).Status);
        var refunded = await _swarm.SettledInvoiceAsync(b.Id);
        Assert.Equal((b.Billing!.Budget, 0L), (refunded.Refund, refunded.TotalBilled));
        var creator2After = await _swarm.BalancesAsync(creator2.Address);
        Assert.Equal((creator2Before.Wallet + b.Billing.Budget, 0L), (creator2After.Wallet, creator2After.Reserved));

        // Job A: round 1 fills (node 0 joined before the restart), trains, is validated and paid; the job completes.
        var roundId = a.Id + "-r1";
        var assignments = new List<Assignment>();
        using (var client = _swarm.Client(nodes[0], _clock))
            assignments.Add(Assert.Single(await client.AssignmentsAsync(nodes[0].Address)));
        foreach (var node in nodes.Skip(1))
        {
            using var client = _swarm.Client(node, _clock);
            assignments.Add(await client.JoinAsync(roundId));
        }
        var blobs = new List<string>();
        for (var i = 0; i < nodes.Length; i++)
        {
            using var client = _swarm.Client(nodes[i], _clock);
            var s = assignments[i];
            var blob = await client.PutBlobAsync(Encoding.UTF8.GetBytes($"delta of {nodes[i].Address} in {roundId}"));
            var receipt = new TrainingReceipt(s.JobId, s.RoundId, s.Attempt, nodes[i].Address, s.BaseModel, s.ShardIndex, s.ShardCount, s.Seed,
                s.Spec.InnerSteps, s.Spec.InnerSteps * s.Spec.BatchSize, [2.3f, 2.1f], 0.25, [new Commitment(2, new string('0', 64))], blob, "f32",
                "fashion-mnist");
            await client.SubmitUpdateAsync(roundId, new UpdateSubmission(receipt, DocumentSignature.Sign(nodes[i], receipt)));
            blobs.Add(blob);
        }
        using (var v = _swarm.Client(validator, _clock))
        {
            var task = await v.TakeValidationAsync(roundId);
            Assert.Equal(3, task.Updates.Count);
            var model = await v.PutBlobAsync(Encoding.UTF8.GetBytes($"new model of {roundId}"));
            var verdicts = nodes.Select((n, i) => new UpdateVerdict(n.Address, blobs[i], true, null, 16, 2, 1.5, 1.0, 0.5, 0.8, 0.6, 1.0 / 3)).ToList();
            var result = new RoundResult(roundId, task.Round.Attempt, validator.Address, task.Round.BaseModel, model, task.Spec.Strategy, null, verdicts,
                new RoundMetrics(1.0, 0.5, 0.9, 0.6, 100, 0.9, 0.6, 100));
            var done = await v.SubmitResultAsync(roundId, new RoundResultSubmission(result, DocumentSignature.Sign(validator, result)));
            Assert.Equal(RoundStatus.Done, done.Status);
        }
        var ended = await _swarm.EndedJobAsync(a.Id);
        Assert.Equal((JobStatus.Completed, 2), (ended.Status, ended.RoundsDone));
        var invoice = await _swarm.SettledInvoiceAsync(a.Id);
        Assert.Equal(2, invoice.Rounds.Count);
        Assert.Equal(spentBefore + invoice.Rounds[1].Total, invoice.TotalBilled);
        Assert.Equal(invoice.Reserved - invoice.TotalBilled, invoice.Refund);
        Assert.Equal(0, (await _swarm.BalancesAsync(creator.Address)).Reserved);
        // Every stake is back, the one locked before the restart included.
        foreach (var node in nodes)
            Assert.Equal(0, (await _swarm.BalancesAsync(node.Address)).Reserved);
        await _swarm.AssertLedgerOkAsync();
        foreach (var node in nodes)
            node.Dispose();
    }

    private static string View(string name) => File.ReadAllText(Path.Combine(Fixture, "views", name));

    private static ActorKey Key(string name) => ActorKey.Load(Path.Combine(Fixture, "keys", name + ".pem"));

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from))
            CopyDirectory(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
