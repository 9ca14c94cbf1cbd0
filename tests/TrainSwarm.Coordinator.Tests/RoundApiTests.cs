using System.Net;
using System.Text;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>Joining rounds, delivering updates and validating: who may do what, and that a refusal changes nothing.</summary>
public sealed class RoundApiTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>
{
    /// <summary>A round that stays open with one node joined: it needs two.</summary>
    private static readonly JobSpec TwoNodes = Specs.Tiny with { MinNodes = 2, MaxNodes = 2, OpenSeconds = 3600 };

    private async Task<HttpResponseMessage> PostAsync(ActorKey key, string path, object body)
    {
        using var client = swarm.Client(key);
        return await client.SendSignedRawAsync(HttpMethod.Post, path, SwarmJson.SerializeToUtf8(body), "application/json");
    }

    private async Task<(JobView Job, RoundView Round)> JobWithRoundAsync(JobSpec? spec = null)
    {
        using var creator = await swarm.ActorAsync("creator");
        var job = await swarm.JobAsync(creator, spec);
        return (job, await swarm.RoundOfAsync(job.Id));
    }

    private async Task<Assignment> JoinAsync(ActorKey node, string roundId)
    {
        using var client = swarm.Client(node);
        return await client.JoinAsync(roundId);
    }

    private async Task<string> UploadAsync(ActorKey key, string label)
    {
        using var client = swarm.Client(key);
        return await client.PutBlobAsync(Encoding.UTF8.GetBytes($"{label} {Guid.NewGuid()}"));
    }

    private static TrainingReceipt Receipt(Assignment a, string node, string updateBlob) => new(
        a.JobId, a.RoundId, a.Attempt, node, a.BaseModel, a.ShardIndex, a.ShardCount, a.Seed, 2, 16, [2.3f, 2.1f], 0.25,
        [new Commitment(2, new string('0', 64))], updateBlob, "f32", "fashion-mnist");

    private async Task<RoundView> RoundAsync(string roundId)
    {
        using var client = swarm.Client();
        return await client.RoundAsync(roundId);
    }

    private async Task<IReadOnlyList<UpdateSubmission>> UpdatesAsync(string roundId)
    {
        using var client = swarm.Client();
        return await client.GetAsync<IReadOnlyList<UpdateSubmission>>(Routes.RoundUpdates(roundId));
    }

    // ---- joining ----

    [Fact]
    public async Task A_node_that_does_not_serve_the_dataset_cannot_join()
    {
        var (job, round) = await JobWithRoundAsync(TwoNodes);
        using var node = await swarm.NodeAsync("mnist");
        using var response = await PostAsync(node, Routes.RoundJoin(round.Id), new { });
        var problem = await AssertAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal($"node {node.Address} does not serve dataset fashion-mnist, which round {round.Id} trains on", Detail(problem));
        var after = await RoundAsync(round.Id);
        Assert.Empty(after.Participants);
        Assert.Equal(RoundStatus.Open, after.Status);
        Assert.Equal(job.Id, after.JobId);
    }

    [Fact]
    public async Task Joining_twice_is_a_conflict()
    {
        var (_, round) = await JobWithRoundAsync(TwoNodes);
        using var node = await swarm.NodeAsync("mnist", "fashion-mnist");
        var assignment = await JoinAsync(node, round.Id);
        Assert.Equal((0, 0, 2), (assignment.Slot, assignment.ShardIndex, assignment.ShardCount));
        var joined = await RoundAsync(round.Id);
        using var response = await PostAsync(node, Routes.RoundJoin(round.Id), new { });
        var problem = await AssertAsync(response, HttpStatusCode.Conflict);
        Assert.Equal($"node {node.Address} already joined round {round.Id}", Detail(problem));
        var after = await RoundAsync(round.Id);
        Assert.Equal(SwarmJson.Serialize(joined), SwarmJson.Serialize(after));
        Assert.Single(after.Participants);
    }

    [Fact]
    public async Task A_key_registered_only_as_a_creator_cannot_join()
    {
        var (_, round) = await JobWithRoundAsync(TwoNodes);
        using var creatorOnly = await swarm.ActorAsync("creator");
        using var response = await PostAsync(creatorOnly, Routes.RoundJoin(round.Id), new { });
        var problem = await AssertAsync(response, HttpStatusCode.Forbidden);
        Assert.StartsWith($"{creatorOnly.Address} is not a registered node", Detail(problem), StringComparison.Ordinal);
        Assert.Empty((await RoundAsync(round.Id)).Participants);
    }

    [Fact]
    public async Task A_round_that_is_already_training_cannot_be_joined()
    {
        var (_, round) = await JobWithRoundAsync();
        using var first = await swarm.NodeAsync("fashion-mnist");
        using var second = await swarm.NodeAsync("fashion-mnist");
        await JoinAsync(first, round.Id);
        var training = await RoundAsync(round.Id);
        Assert.Equal(RoundStatus.Training, training.Status);
        using var response = await PostAsync(second, Routes.RoundJoin(round.Id), new { });
        var problem = await AssertAsync(response, HttpStatusCode.Conflict);
        Assert.Equal($"round {round.Id} is training, not open for joining", Detail(problem));
        Assert.Equal(SwarmJson.Serialize(training), SwarmJson.Serialize(await RoundAsync(round.Id)));
    }

    [Fact]
    public async Task Joining_a_round_that_does_not_exist_is_not_found_and_a_bad_id_is_a_bad_request()
    {
        using var node = await swarm.NodeAsync("fashion-mnist");
        using (var missing = await PostAsync(node, Routes.RoundJoin("j000000000000-r0"), new { }))
            await AssertAsync(missing, HttpStatusCode.NotFound);
        using var malformed = await PostAsync(node, Routes.RoundJoin("nonsense"), new { });
        await AssertAsync(malformed, HttpStatusCode.BadRequest);
    }

    // ---- updates ----

    [Fact]
    public async Task A_receipt_signed_by_another_key_is_refused()
    {
        var (_, round) = await JobWithRoundAsync();
        using var node = await swarm.NodeAsync("fashion-mnist");
        using var impostor = ActorKey.Generate();
        var assignment = await JoinAsync(node, round.Id);
        var blob = await UploadAsync(node, "update");
        var receipt = Receipt(assignment, node.Address, blob);
        var before = await RoundAsync(round.Id);
        using var response = await PostAsync(node, Routes.RoundUpdates(round.Id), new UpdateSubmission(receipt, DocumentSignature.Sign(impostor, receipt)));
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("the receipt signature does not verify with the node's key", Detail(problem));
        Assert.Equal(SwarmJson.Serialize(before), SwarmJson.Serialize(await RoundAsync(round.Id)));
        Assert.Equal(ParticipantStatus.Joined, (await RoundAsync(round.Id)).Participants.Single().Status);
        Assert.Empty(await UpdatesAsync(round.Id));
    }

    [Fact]
    public async Task A_node_cannot_deliver_another_nodes_receipt()
    {
        var (_, round) = await JobWithRoundAsync(TwoNodes);
        using var node = await swarm.NodeAsync("fashion-mnist");
        using var other = await swarm.NodeAsync("fashion-mnist");
        var assignment = await JoinAsync(node, round.Id);
        await JoinAsync(other, round.Id);
        var blob = await UploadAsync(node, "update");
        // A receipt genuinely signed by the other node, relayed by this one.
        var receipt = Receipt(assignment, other.Address, blob);
        var before = await RoundAsync(round.Id);
        using var response = await PostAsync(node, Routes.RoundUpdates(round.Id), new UpdateSubmission(receipt, DocumentSignature.Sign(other, receipt)));
        var problem = await AssertAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal($"the receipt is for node {other.Address}, but {node.Address} signed the request", Detail(problem));
        Assert.Equal(SwarmJson.Serialize(before), SwarmJson.Serialize(await RoundAsync(round.Id)));
        Assert.Empty(await UpdatesAsync(round.Id));
    }

    [Fact]
    public async Task An_update_whose_blob_was_not_uploaded_is_refused()
    {
        var (_, round) = await JobWithRoundAsync();
        using var node = await swarm.NodeAsync("fashion-mnist");
        var assignment = await JoinAsync(node, round.Id);
        var missing = BlobId.Of(Encoding.UTF8.GetBytes("never uploaded " + Guid.NewGuid()));
        var receipt = Receipt(assignment, node.Address, missing);
        var before = await RoundAsync(round.Id);
        using var response = await PostAsync(node, Routes.RoundUpdates(round.Id), new UpdateSubmission(receipt, DocumentSignature.Sign(node, receipt)));
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith($"update blob {missing} is not stored", Detail(problem), StringComparison.Ordinal);
        Assert.Equal(SwarmJson.Serialize(before), SwarmJson.Serialize(await RoundAsync(round.Id)));
        Assert.Empty(await UpdatesAsync(round.Id));
    }

    [Fact]
    public async Task An_update_for_the_wrong_base_model_is_refused()
    {
        var (_, round) = await JobWithRoundAsync();
        using var node = await swarm.NodeAsync("fashion-mnist");
        var assignment = await JoinAsync(node, round.Id);
        var blob = await UploadAsync(node, "update");
        var otherBase = await UploadAsync(node, "another model");
        var receipt = Receipt(assignment, node.Address, blob) with { BaseModel = otherBase };
        var before = await RoundAsync(round.Id);
        using var response = await PostAsync(node, Routes.RoundUpdates(round.Id), new UpdateSubmission(receipt, DocumentSignature.Sign(node, receipt)));
        await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(SwarmJson.Serialize(before), SwarmJson.Serialize(await RoundAsync(round.Id)));
        Assert.Empty(await UpdatesAsync(round.Id));
    }

    [Fact]
    public async Task A_valid_update_is_acknowledged_once_and_starts_validation()
    {
        var (_, round) = await JobWithRoundAsync();
        using var node = await swarm.NodeAsync("fashion-mnist");
        var assignment = await JoinAsync(node, round.Id);
        var blob = await UploadAsync(node, "update");
        var receipt = Receipt(assignment, node.Address, blob);
        var submission = new UpdateSubmission(receipt, DocumentSignature.Sign(node, receipt));
        using var client = swarm.Client(node);
        var ack = await client.SubmitUpdateAsync(round.Id, submission);
        Assert.Equal((round.Id, 1, node.Address, blob), (ack.RoundId, ack.Attempt, ack.Node, ack.UpdateBlob));
        var validating = await RoundAsync(round.Id);
        Assert.Equal(RoundStatus.Validating, validating.Status);
        Assert.Equal(ParticipantStatus.Submitted, validating.Participants.Single().Status);
        // Delivering the same update again (a retry after a lost reply) is acknowledged the same way.
        var again = await client.SubmitUpdateAsync(round.Id, submission);
        Assert.Equal(ack, again);
        Assert.Single(await UpdatesAsync(round.Id));
    }

    // ---- validation ----

    private async Task<RoundView> ValidatingRoundAsync()
    {
        var (_, round) = await JobWithRoundAsync();
        using var node = await swarm.NodeAsync("fashion-mnist");
        var assignment = await JoinAsync(node, round.Id);
        var blob = await UploadAsync(node, "update");
        var receipt = Receipt(assignment, node.Address, blob);
        using var client = swarm.Client(node);
        await client.SubmitUpdateAsync(round.Id, new UpdateSubmission(receipt, DocumentSignature.Sign(node, receipt)));
        var validating = await RoundAsync(round.Id);
        Assert.Equal(RoundStatus.Validating, validating.Status);
        return validating;
    }

    [Theory]
    [InlineData("creator")]
    [InlineData("node")]
    public async Task Only_a_validator_may_take_a_round(string role)
    {
        var round = await ValidatingRoundAsync();
        using var notValidator = await swarm.ActorAsync(role);
        using var response = await PostAsync(notValidator, Routes.RoundValidation(round.Id), new { });
        var problem = await AssertAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal($"{notValidator.Address} is not an allowed validator of this coordinator", Detail(problem));
        var after = await RoundAsync(round.Id);
        Assert.Null(after.Validator);
        Assert.Equal(SwarmJson.Serialize(round), SwarmJson.Serialize(after));
    }

    [Fact]
    public async Task Only_a_validator_may_post_a_result()
    {
        var round = await ValidatingRoundAsync();
        using var creator = await swarm.ActorAsync("creator");
        var result = new RoundResult(round.Id, round.Attempt, creator.Address, round.BaseModel, round.BaseModel, "fedavg", null, [],
            new RoundMetrics(1, 0.1, 1, 0.1, 10, 1, 0.1, 10));
        using var response = await PostAsync(creator, Routes.RoundResult(round.Id), new RoundResultSubmission(result, DocumentSignature.Sign(creator, result)));
        await AssertAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal(SwarmJson.Serialize(round), SwarmJson.Serialize(await RoundAsync(round.Id)));
        Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.RoundResult(round.Id)));
    }

    [Fact]
    public async Task A_registered_validator_takes_the_round_and_holds_the_lease()
    {
        var round = await ValidatingRoundAsync();
        using var validator = await swarm.ActorAsync("validator");
        using var rival = await swarm.ActorAsync("validator");
        using var client = swarm.Client(validator);
        var task = await client.TakeValidationAsync(round.Id);
        Assert.Equal(validator.Address, task.Round.Validator);
        Assert.Single(task.Updates);
        Assert.Empty(task.Failures);
        var leased = await RoundAsync(round.Id);
        using var response = await PostAsync(rival, Routes.RoundValidation(round.Id), new { });
        var problem = await AssertAsync(response, HttpStatusCode.Conflict);
        Assert.StartsWith($"round {round.Id} is being validated by {validator.Address}", Detail(problem), StringComparison.Ordinal);
        Assert.Equal(SwarmJson.Serialize(leased), SwarmJson.Serialize(await RoundAsync(round.Id)));
    }

    [Fact]
    public async Task A_result_without_verdicts_is_a_bad_request()
    {
        var round = await ValidatingRoundAsync();
        using var validator = await swarm.ActorAsync("validator");
        using (var client = swarm.Client(validator))
            await client.TakeValidationAsync(round.Id);
        var leased = await RoundAsync(round.Id);
        var newModel = await UploadAsync(validator, "new model");
        var result = new RoundResult(round.Id, round.Attempt, validator.Address, round.BaseModel, newModel, "fedavg", null, null!,
            new RoundMetrics(1, 0.1, 1, 0.1, 10, 1, 0.1, 10));
        using var response = await PostAsync(validator, Routes.RoundResult(round.Id), new RoundResultSubmission(result, DocumentSignature.Sign(validator,
            result)));
        await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(SwarmJson.Serialize(leased), SwarmJson.Serialize(await RoundAsync(round.Id)));
        Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.RoundResult(round.Id)));
    }
}
