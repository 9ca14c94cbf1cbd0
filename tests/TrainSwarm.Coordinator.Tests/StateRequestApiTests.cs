using System.Net;
using System.Text;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>States on demand over HTTP: the holder of a validating round asks, the node sees the request, uploads and answers.</summary>
public sealed class StateRequestApiTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>
{
    [Fact]
    public async Task A_validator_requests_a_committed_state_and_the_node_answers_it_after_uploading()
    {
        using var creator = await swarm.ActorAsync("creator");
        var job = await swarm.JobAsync(creator, Specs.Tiny with { Rounds = 1 });
        using var node = await swarm.NodeAsync("fashion-mnist");
        using var validator = await swarm.ActorAsync("validator");
        using var other = await swarm.ActorAsync("validator");
        var roundId = (await swarm.RoundOfAsync(job.Id)).Id;
        var state = Encoding.UTF8.GetBytes($"training state at step 1 of {node.Address}");
        var stateId = BlobId.Of(state);

        using var n = swarm.Client(node);
        var a = await n.JoinAsync(roundId);
        var delta = await n.PutBlobAsync(Encoding.UTF8.GetBytes($"delta of {node.Address}"));
        var last = await n.PutBlobAsync(Encoding.UTF8.GetBytes($"last state of {node.Address}"));
        var receipt = new TrainingReceipt(a.JobId, a.RoundId, a.Attempt, node.Address, a.BaseModel, a.ShardIndex, a.ShardCount, a.Seed, 2, 16,
            [2.3f, 2.1f], 0.1, [new Commitment(1, new string('1', 64), stateId), new Commitment(2, new string('2', 64), last)], delta, "f32",
            "fashion-mnist");
        await n.SubmitUpdateAsync(roundId, new UpdateSubmission(receipt, DocumentSignature.Sign(node, receipt)));

        using var v = swarm.Client(validator);
        var task = await v.TakeValidationAsync(roundId);
        var batch = new StateRequestBatch(task.Round.Attempt, [new RequestedState(node.Address, stateId)]);
        using (var o = swarm.Client(other))
        {
            var refused = await Assert.ThrowsAsync<SwarmApiException>(() => o.RequestStatesAsync(roundId, batch));
            Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        }
        var notCommitted = await Assert.ThrowsAsync<SwarmApiException>(() =>
            v.RequestStatesAsync(roundId, new StateRequestBatch(task.Round.Attempt, [new RequestedState(node.Address, new string('9', 64))])));
        Assert.Equal(HttpStatusCode.BadRequest, notCommitted.Status);

        var requested = Assert.Single(await v.RequestStatesAsync(roundId, batch));
        Assert.Equal((node.Address, stateId, 1, StateRequestStatus.Pending, validator.Address),
            (requested.Node, requested.State, requested.Step, requested.Status, requested.RequestedBy));
        Assert.Equal(requested.RequestedAt.AddSeconds(Specs.Tiny.StateWindow), requested.Deadline);

        // The node sees it while polling; answering before the upload is refused, after it the request is answered.
        var seen = Assert.Single(await n.StateRequestsAsync(roundId, node.Address));
        Assert.Equal(stateId, seen.State);
        var early = await Assert.ThrowsAsync<SwarmApiException>(() => n.AnswerStatesAsync(roundId, new StateAnswer(a.Attempt, [stateId])));
        Assert.Equal(HttpStatusCode.BadRequest, early.Status);
        await n.PutBlobAsync(state);
        var answered = Assert.Single(await n.AnswerStatesAsync(roundId, new StateAnswer(a.Attempt, [stateId])));
        Assert.Equal(StateRequestStatus.Answered, answered.Status);
        Assert.Equal(StateRequestStatus.Answered, Assert.Single(await v.StateRequestsAsync(roundId)).Status);
        // Asking again changes nothing; another node's listing is empty.
        Assert.Equal(answered.AnsweredAt, Assert.Single(await v.RequestStatesAsync(roundId, batch)).AnsweredAt);
        Assert.Empty(await v.StateRequestsAsync(roundId, validator.Address));
    }
}
