using System.Net;
using System.Text;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// A job with three validators over the API: each takes a seat and posts a signed result; two equal results accept the
/// round and split the validator fee, a different one is recorded as a dissent and earns nothing, three different ones
/// retry the attempt, nobody votes twice, and a restart loses no acknowledged vote.
/// </summary>
public sealed class QuorumApiTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>
{
    private static readonly JobSpec Spec = MarketDriver.RoundSpec with { Name = "quorum", MaxNodes = 2, Validators = 3 };

    /// <summary>A job of <see cref="Spec"/> whose round 0 is validating (two nodes delivered), three validators and the creator.</summary>
    private static async Task<(JobView Job, string RoundId, IReadOnlyList<ActorKey> Validators, ActorKey Creator)> ValidatingAsync(CoordinatorFixture swarm)
    {
        var creator = await swarm.ActorAsync("creator");
        var job = await swarm.JobAsync(creator, Spec);
        var roundId = (await swarm.RoundOfAsync(job.Id)).Id;
        var nodes = new[] { await swarm.NodeAsync("fashion-mnist"), await swarm.NodeAsync("fashion-mnist") };
        var assignments = new List<Assignment>();
        foreach (var node in nodes)
        {
            using var client = swarm.Client(node);
            assignments.Add(await client.JoinAsync(roundId));
        }
        for (var i = 0; i < nodes.Length; i++)
        {
            using var client = swarm.Client(nodes[i]);
            var a = assignments[i];
            var blob = await client.PutBlobAsync(Encoding.UTF8.GetBytes($"delta of {nodes[i].Address} in {roundId} attempt {a.Attempt}"));
            var receipt = new TrainingReceipt(a.JobId, a.RoundId, a.Attempt, nodes[i].Address, a.BaseModel, a.ShardIndex, a.ShardCount, a.Seed,
                a.Spec.InnerSteps, a.Spec.InnerSteps * a.Spec.BatchSize, [2.3f, 2.1f], 0.25, [], blob, "f32", "fashion-mnist");
            await client.SubmitUpdateAsync(roundId, new UpdateSubmission(receipt, DocumentSignature.Sign(nodes[i], receipt)));
        }
        await CoordinatorFixture.EventuallyAsync(async () => (await swarm.RoundOfAsync(job.Id)).Status == RoundStatus.Validating, "validation to start");
        var validators = new List<ActorKey>();
        for (var i = 0; i < 3; i++)
            validators.Add(await swarm.ActorAsync("validator", funds: 0));
        return (job, roundId, validators, creator);
    }

    /// <summary>Takes a seat as <paramref name="validator"/> and posts a result whose new model is <paramref name="model"/>'s bytes.</summary>
    private static async Task<RoundResultSubmission> ResultAsync(CoordinatorFixture swarm, ActorKey validator, string roundId, string model)
    {
        using var v = swarm.Client(validator);
        var task = await v.TakeValidationAsync(roundId);
        var newModel = await v.PutBlobAsync(Encoding.UTF8.GetBytes(model));
        var verdicts = task.Updates.Select(u => new UpdateVerdict(u.Receipt.Node, u.Receipt.UpdateBlob, true, null, u.Receipt.Samples,
            u.Receipt.Steps, 1.5, 1.0, 0.5, 0.8, 0.6, 1.0 / task.Updates.Count)).ToList();
        var result = new RoundResult(roundId, task.Round.Attempt, validator.Address, task.Round.BaseModel, newModel, task.Spec.Strategy, null, verdicts,
            new RoundMetrics(1.0, 0.5, 0.8, 0.6, 100, 0.8, 0.6, 100));
        return new RoundResultSubmission(result, DocumentSignature.Sign(validator, result));
    }

    private static async Task<HttpResponseMessage> PostAsync(CoordinatorFixture swarm, ActorKey validator, string roundId, RoundResultSubmission submission)
    {
        using var v = swarm.Client(validator);
        return await v.SendSignedRawAsync(HttpMethod.Post, Routes.RoundResult(roundId), SwarmJson.SerializeToUtf8(submission), "application/json");
    }

    private static async Task<RoundView> VoteAsync(CoordinatorFixture swarm, ActorKey validator, string roundId, RoundResultSubmission submission)
    {
        using var v = swarm.Client(validator);
        return await v.SubmitResultAsync(roundId, submission);
    }

    [Fact]
    public async Task Two_equal_results_of_three_accept_the_round_and_split_the_fee_and_the_dissenter_earns_nothing()
    {
        var (job, roundId, validators, _) = await ValidatingAsync(swarm);
        var (v1, liar, v3) = (validators[0], validators[1], validators[2]);
        // All three take their seats before anyone posts; the liar posts first.
        var honest1 = await ResultAsync(swarm, v1, roundId, "the honest aggregate");
        var lie = await ResultAsync(swarm, liar, roundId, "a wrong aggregate");
        var honest3 = await ResultAsync(swarm, v3, roundId, "the honest aggregate");
        Assert.Equal(RoundStatus.Validating, (await VoteAsync(swarm, liar, roundId, lie)).Status);
        var pending = await VoteAsync(swarm, v1, roundId, honest1);
        Assert.Equal((RoundStatus.Validating, 2), (pending.Status, pending.Votes!.Count));
        var done = await VoteAsync(swarm, v3, roundId, honest3);
        Assert.Equal(RoundStatus.Done, done.Status);
        Assert.Equal(honest1.Result.NewModel, done.NewModel);
        Assert.Equal(v1.Address, done.Validator);
        Assert.Equal([false, true, true], done.Votes!.Select(v => v.Agrees == true));
        Assert.Equal([liar.Address, v1.Address, v3.Address], done.Votes!.Select(v => v.Validator));

        // The accepted result is the first agreeing one, as signed by its validator.
        using var reader = swarm.Client();
        Assert.Equal(SwarmJson.Serialize(honest1), SwarmJson.Serialize(await reader.GetAsync<RoundResultSubmission>(Routes.RoundResult(roundId))));
        var rewards = await swarm.SettledRewardsAsync(roundId);
        var shares = rewards.ValidatorShares!;
        Assert.Equal([v1.Address, v3.Address], shares.Select(s => s.Payee));
        Assert.Equal(rewards.ValidatorFee.Amount, shares.Sum(s => s.Amount));
        Assert.Equal([(rewards.ValidatorFee.Amount + 1) / 2, rewards.ValidatorFee.Amount / 2], shares.Select(s => s.Amount));
        Assert.True(rewards.ValidatorFee.Amount > 0);
        Assert.Equal([liar.Address], rewards.Dissenters);
        foreach (var s in shares)
            Assert.Equal(s.Amount, await swarm.AccountBalanceAsync(s.Payee, MarketIds.Fees(s.Payee)));
        Assert.Equal(0, await swarm.AccountBalanceAsync(liar.Address, MarketIds.Fees(liar.Address)));
        var invoice = await swarm.SettledInvoiceAsync(job.Id);
        Assert.Equal(rewards.ValidatorFee.Amount, invoice.ValidatorFees);
        Assert.Equal(invoice.ComputePaid + invoice.ValidatorFees + invoice.ProtocolFees, invoice.TotalBilled);
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_dissent_after_the_quorum_is_recorded_late_and_paid_nothing_and_a_fourth_validator_gets_no_seat()
    {
        var (_, roundId, validators, _) = await ValidatingAsync(swarm);
        var (v1, v2, liar) = (validators[0], validators[1], validators[2]);
        var a = await ResultAsync(swarm, v1, roundId, "agg");
        var b = await ResultAsync(swarm, v2, roundId, "agg");
        var lie = await ResultAsync(swarm, liar, roundId, "lie");
        var fourth = await swarm.ActorAsync("validator", funds: 0);
        using (var f = swarm.Client(fourth))
            Assert.Equal(HttpStatusCode.Conflict, (await Assert.ThrowsAsync<SwarmApiException>(() => f.TakeValidationAsync(roundId))).Status);
        await VoteAsync(swarm, v1, roundId, a);
        Assert.Equal(RoundStatus.Done, (await VoteAsync(swarm, v2, roundId, b)).Status);
        var late = await VoteAsync(swarm, liar, roundId, lie);
        var vote = late.Votes!.Single(v => v.Validator == liar.Address);
        Assert.Equal((false, true), (vote.Agrees, vote.Late));
        var rewards = await swarm.SettledRewardsAsync(roundId);
        Assert.Equal([liar.Address], rewards.Dissenters);
        Assert.Equal([v1.Address, v2.Address], rewards.ValidatorShares!.Select(s => s.Payee));
        Assert.Equal(0, await swarm.AccountBalanceAsync(liar.Address, MarketIds.Fees(liar.Address)));
    }

    [Fact]
    public async Task Three_different_results_reach_no_quorum_and_the_round_is_retried_unpaid()
    {
        var (job, roundId, validators, _) = await ValidatingAsync(swarm);
        var results = new List<RoundResultSubmission>();
        foreach (var (v, i) in validators.Select((v, i) => (v, i)))
            results.Add(await ResultAsync(swarm, v, roundId, $"aggregate {i}"));
        await VoteAsync(swarm, validators[0], roundId, results[0]);
        await VoteAsync(swarm, validators[1], roundId, results[1]);
        var closed = await VoteAsync(swarm, validators[2], roundId, results[2]);
        Assert.Equal((RoundStatus.Done, 1, (string?)null), (closed.Status, closed.Attempt, closed.NewModel));
        Assert.All(closed.Votes!, v => Assert.Null(v.Agrees));
        var retry = await swarm.RoundOfAsync(job.Id);
        Assert.Equal((roundId, 2, RoundStatus.Open), (retry.Id, retry.Attempt, retry.Status));
        Assert.Null(retry.Votes);
        using var reader = swarm.Client();
        Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.RoundResult(roundId)));
        Assert.Empty((await reader.InvoiceAsync(job.Id)).Rounds);
        foreach (var v in validators)
            Assert.Equal(0, await swarm.AccountBalanceAsync(v.Address, MarketIds.Fees(v.Address)));
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_validator_cannot_vote_twice_but_a_repeated_post_of_its_result_is_answered_alike()
    {
        var (_, roundId, validators, _) = await ValidatingAsync(swarm);
        var first = await ResultAsync(swarm, validators[0], roundId, "agg");
        var after = await VoteAsync(swarm, validators[0], roundId, first);
        // The same result again (a retry after a lost reply) changes nothing.
        var again = await VoteAsync(swarm, validators[0], roundId, first);
        Assert.Equal(after.Votes, again.Votes);
        // Another result from the same validator is refused, and so is another seat.
        var other = first.Result with { Metrics = first.Result.Metrics with { HoldoutAccuracy = 0.7 } };
        using (var response = await PostAsync(swarm, validators[0], roundId, new RoundResultSubmission(other, DocumentSignature.Sign(validators[0], other))))
            await Problems.AssertAsync(response, HttpStatusCode.Conflict);
        using (var v = swarm.Client(validators[0]))
            Assert.Equal(HttpStatusCode.Conflict, (await Assert.ThrowsAsync<SwarmApiException>(() => v.TakeValidationAsync(roundId))).Status);
        // A validator without a seat cannot vote, even with a well-signed result.
        var unseated = first.Result with { Validator = validators[1].Address };
        using (var response = await PostAsync(swarm, validators[1], roundId,
                   new RoundResultSubmission(unseated, DocumentSignature.Sign(validators[1], unseated))))
            await Problems.AssertAsync(response, HttpStatusCode.Forbidden);
        using var reader = swarm.Client();
        Assert.Single((await reader.RoundAsync(roundId)).Votes!);
    }

    [Fact]
    public async Task A_restart_between_votes_loses_no_acknowledged_vote()
    {
        await using var own = new OwnFixture();
        var fixture = own.Swarm;
        var (job, roundId, validators, _) = await ValidatingAsync(fixture);
        var a = await ResultAsync(fixture, validators[0], roundId, "agg");
        var b = await ResultAsync(fixture, validators[1], roundId, "agg");
        var acknowledged = await VoteAsync(fixture, validators[0], roundId, a);

        await fixture.StopAsync();
        await fixture.StartAsync();

        using var reader = fixture.Client();
        var reloaded = await reader.RoundAsync(roundId);
        Assert.Equal(SwarmJson.Serialize(acknowledged with { ExpectedReward = null }), SwarmJson.Serialize(reloaded with { ExpectedReward = null }));
        Assert.Equal(validators[0].Address, Assert.Single(reloaded.Votes!).Validator);
        // The first vote still counts (and cannot be cast again), the second seat survived: one more vote is the quorum.
        using (var v = fixture.Client(validators[0]))
            Assert.Equal(HttpStatusCode.Conflict, (await Assert.ThrowsAsync<SwarmApiException>(() => v.TakeValidationAsync(roundId))).Status);
        var done = await VoteAsync(fixture, validators[1], roundId, b);
        Assert.Equal(RoundStatus.Done, done.Status);
        var rewards = await fixture.SettledRewardsAsync(roundId);
        Assert.Equal([validators[0].Address, validators[1].Address], rewards.ValidatorShares!.Select(s => s.Payee));
        Assert.Equal(SwarmJson.Serialize(a), SwarmJson.Serialize(await reader.GetAsync<RoundResultSubmission>(Routes.RoundResult(roundId))));
        Assert.Equal(JobStatus.Completed, (await fixture.EndedJobAsync(job.Id)).Status);
        await fixture.AssertLedgerOkAsync();
    }

    /// <summary>A coordinator of the test's own, so restarting it disturbs no other test.</summary>
    private sealed class OwnFixture : IAsyncDisposable
    {
        public CoordinatorFixture Swarm { get; } = new();

        public OwnFixture() => Swarm.InitializeAsync().GetAwaiter().GetResult();

        public async ValueTask DisposeAsync() => await Swarm.DisposeAsync();
    }
}
