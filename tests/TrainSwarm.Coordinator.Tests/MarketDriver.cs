using TrainSwarm.Client;
using System.Text;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// A job whose one round was driven by hand to a validator's result: three nodes joined and delivered, and the
/// validator judged them with known holdout losses (full quality, half quality, rejected).
/// </summary>
public sealed record PaidRound(
    ActorKey Creator, JobView Job, Quote Quote, RoundView Round, ActorKey Validator, IReadOnlyList<ActorKey> Nodes,
    IReadOnlyList<UpdateVerdict> Verdicts, long CoordinatorFeesBefore) : IDisposable
{
    public void Dispose()
    {
        Creator.Dispose();
        Validator.Dispose();
        foreach (var node in Nodes)
            node.Dispose();
    }
}

/// <summary>Money helpers for the market tests: exact expected amounts, account lookups, a round driven by hand.</summary>
public static class MarketDriver
{
    /// <summary>One round of three slots; two accepted updates are enough, so the round finishes with a rejected third.</summary>
    public static JobSpec RoundSpec { get; } = Specs.Tiny with
    {
        Name = "paid round", Rounds = 1, MinNodes = 2, MaxNodes = 3, InnerSteps = 20, BatchSize = 32, OpenSeconds = 3600,
    };

    /// <summary>floor(samples × FLOPs × price × quality / (10^9 × 10^4)): an update's payout at full budget.</summary>
    public static long Payout(Quote quote, long samples, int qualityBps) =>
        (long)((Int128)samples * quote.TrainingFlopsPerSample * quote.PricePerUnit * qualityBps / ((Int128)1_000_000_000 * 10_000));

    /// <summary>floor(compute × bps / 10^4).</summary>
    public static long Fee(long compute, int bps) => (long)((Int128)compute * bps / 10_000);

    /// <summary>The balance of one account of <paramref name="owner"/>, by its id (0 when it is not open).</summary>
    public static async Task<long> AccountBalanceAsync(this CoordinatorFixture swarm, string owner, UInt128 account)
    {
        var balances = await swarm.BalancesAsync(owner);
        return balances.Accounts.SingleOrDefault(a => a.Id == TransferWire.Hex(account))?.Balance ?? 0;
    }

    /// <summary>The coordinator's own address.</summary>
    public static async Task<CoordinatorInfo> InfoAsync(this CoordinatorFixture swarm)
    {
        using var client = swarm.Client();
        return await client.InfoAsync();
    }

    /// <summary>The job's invoice once it is settled (polls: the outbox commits right after the state change).</summary>
    public static async Task<Invoice> SettledInvoiceAsync(this CoordinatorFixture swarm, string jobId)
    {
        using var client = swarm.Client();
        Invoice? invoice = null;
        await CoordinatorFixture.EventuallyAsync(async () => (invoice = await client.InvoiceAsync(jobId)).Settled, $"the invoice of {jobId} to settle");
        return invoice!;
    }

    /// <summary>The round's rewards once settled.</summary>
    public static async Task<RoundRewards> SettledRewardsAsync(this CoordinatorFixture swarm, string roundId)
    {
        using var client = swarm.Client();
        RoundRewards? rewards = null;
        await CoordinatorFixture.EventuallyAsync(async () => (rewards = await client.RoundRewardsAsync(roundId)).Settled,
            $"the rewards of {roundId} to settle");
        return rewards!;
    }

    /// <summary>The job once its status is no longer running.</summary>
    public static async Task<JobView> EndedJobAsync(this CoordinatorFixture swarm, string jobId)
    {
        using var client = swarm.Client();
        JobView? job = null;
        await CoordinatorFixture.EventuallyAsync(async () => (job = await client.JobAsync(jobId)).Status != JobStatus.Running, $"job {jobId} to end");
        return job!;
    }

    /// <summary>How a validator judges one update: accepted or not, the samples it counts and the holdout losses before and after.</summary>
    public sealed record Judgement(bool Accepted, long Samples, double BaseLoss, double UpdatedLoss, string? Reason = null, bool Fraud = false);

    /// <summary>
    /// Submits <paramref name="spec"/> (default <see cref="RoundSpec"/>) at its quoted total (or <paramref name="budget"/>), has three nodes join and
    /// deliver, and a validator post a result: the first node improved the holdout loss (and claims twice the samples it may be paid for), the second
    /// doubled it (0.5 → 1.0: half pay), the third was rejected.
    /// </summary>
    public static async Task<PaidRound> PayOneRoundAsync(this CoordinatorFixture swarm, long? budget = null, bool partialBudget = false, JobSpec? spec = null)
    {
        spec ??= RoundSpec;
        var coordinator = (await swarm.InfoAsync()).Address;
        var feesBefore = await swarm.AccountBalanceAsync(coordinator, MarketIds.Fees(coordinator));
        var creator = await swarm.ActorAsync("creator");
        Quote quote;
        JobView job;
        using (var client = swarm.Client(creator))
        {
            quote = await client.QuoteAsync(spec);
            job = await client.SubmitJobAsync(spec, quote, budget ?? quote.Total, SwarmClient.DefaultDeadlineSeconds, partialBudget);
        }
        var nodes = new List<ActorKey>();
        for (var i = 0; i < 3; i++)
            nodes.Add(await swarm.NodeAsync("fashion-mnist"));
        var validator = await swarm.ActorAsync("validator");
        long max = spec.InnerSteps * spec.BatchSize;
        var (done, verdicts) = await swarm.RunRoundAsync((await swarm.RoundOfAsync(job.Id)).Id, nodes, validator,
            [new(true, 2 * max, 1.0, 0.8), new(true, max, 0.5, 1.0), new(false, max, 1.0, 2.0, "update norm 1e9 above the limit")]);
        return new PaidRound(creator, job, quote, done, validator, nodes, verdicts, feesBefore);
    }

    /// <summary>
    /// Runs the current attempt of an open round by hand: each node joins and delivers a signed receipt for a delta
    /// blob, then <paramref name="validator"/> takes the round and posts a signed result judging node i by judgements[i].
    /// Returns the round as the result left it, and the verdicts.
    /// </summary>
    public static async Task<(RoundView Round, IReadOnlyList<UpdateVerdict> Verdicts)> RunRoundAsync(
        this CoordinatorFixture swarm, string roundId, IReadOnlyList<ActorKey> nodes, ActorKey validator, IReadOnlyList<Judgement> judgements)
    {
        // Everyone joins first (a round trains once it is full), then each delivers.
        var assignments = new List<Assignment>();
        foreach (var node in nodes)
        {
            using var client = swarm.Client(node);
            assignments.Add(await client.JoinAsync(roundId));
        }
        var blobs = new List<string>();
        for (var i = 0; i < nodes.Count; i++)
        {
            using var client = swarm.Client(nodes[i]);
            var a = assignments[i];
            var blob = await client.PutBlobAsync(Encoding.UTF8.GetBytes($"delta of {nodes[i].Address} in {roundId} attempt {a.Attempt}"));
            var receipt = new TrainingReceipt(a.JobId, a.RoundId, a.Attempt, nodes[i].Address, a.BaseModel, a.ShardIndex, a.ShardCount, a.Seed,
                a.Spec.InnerSteps, a.Spec.InnerSteps * a.Spec.BatchSize, [2.3f, 2.1f], 0.25, [new Commitment(2, new string('0', 64))], blob, "f32",
                    "fashion-mnist");
            await client.SubmitUpdateAsync(roundId, new UpdateSubmission(receipt, DocumentSignature.Sign(nodes[i], receipt)));
            blobs.Add(blob);
        }

        using var v = swarm.Client(validator);
        var task = await v.TakeValidationAsync(roundId);
        Assert.Equal(nodes.Count, task.Updates.Count);
        var newModel = await v.PutBlobAsync(Encoding.UTF8.GetBytes($"new model of {roundId} attempt {task.Round.Attempt}"));
        var verdicts = nodes.Select((node, i) =>
        {
            var j = judgements[i];
            return new UpdateVerdict(node.Address, blobs[i], j.Accepted, j.Reason, j.Samples, task.Spec.InnerSteps, 1.5, j.BaseLoss, 0.5, j.UpdatedLoss, 0.5,
                j.Accepted ? 1.0 / judgements.Count(x => x.Accepted) : 0, Fraud: j.Fraud ? true : null,
                ReplaySegment: j.Fraud ? "steps 25-50" : null, ReplayExpected: j.Fraud ? new string('a', 64) : null,
                ReplayFound: j.Fraud ? new string('b', 64) : null);
        }).ToList();
        var result = new RoundResult(roundId, task.Round.Attempt, validator.Address, task.Round.BaseModel, newModel, task.Spec.Strategy, null, verdicts,
            new RoundMetrics(1.0, 0.5, 0.9, 0.6, 100, 0.9, 0.6, 100));
        var done = await v.SubmitResultAsync(roundId, new RoundResultSubmission(result, DocumentSignature.Sign(validator, result)));
        Assert.Equal(RoundStatus.Done, done.Status);
        return (done, verdicts);
    }
}
