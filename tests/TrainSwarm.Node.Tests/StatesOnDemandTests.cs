using System.Net;
using TrainSwarm.Client;
using TrainSwarm.Daemons;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node.Tests;

/// <summary>
/// States on demand, node side: a daemon-run trainer keeps its committed states on disk and uploads only the last, and
/// the state server answers a validator's request from disk (also after a restart) and deletes the states once the round is over.
/// </summary>
[Collection(CoordinatorCollection.Name)]
public sealed class StatesOnDemandTests(CoordinatorFixture swarm)
{
    private static readonly JobSpec Spec = new()
    {
        Name = "states", Model = "mlp", Dataset = "fashion-mnist", Rounds = 1, MinNodes = 1, MaxNodes = 1, InnerSteps = 6, BatchSize = 8,
        TrainSamples = 200, Seed = 5, CommitEvery = 2, OpenSeconds = 3600, TrainSeconds = 3600, ValidateSeconds = 3600,
    };

    [Fact]
    public void The_store_keeps_states_by_id_per_round_attempt_and_refuses_what_does_not_hash_to_its_name()
    {
        var folder = Path.Combine(swarm.Folder, "store-" + Guid.NewGuid().ToString("N"));
        var store = new CheckpointStore(folder, "ts1node");
        byte[] a = [1, 2, 3], b = [4, 5];
        store.Save("j0000000000aa-r0", 2, [a, b]);

        Assert.Equal(a, store.Load("j0000000000aa-r0", 2, BlobId.Of(a)));
        Assert.Null(store.Load("j0000000000aa-r0", 1, BlobId.Of(a)));
        Assert.Equal([("j0000000000aa-r0", 2)], store.Rounds());
        // A file whose bytes changed on disk is not served under its old id.
        File.WriteAllBytes(Path.Combine(folder, "ts1node", "j0000000000aa-r0.attempt-2", BlobId.Of(b)), [9]);
        Assert.Null(store.Load("j0000000000aa-r0", 2, BlobId.Of(b)));
        Assert.Throws<ArgumentException>(() => store.Save("../elsewhere", 1, [a]));
        store.Forget("j0000000000aa-r0", 2);
        Assert.Empty(store.Rounds());
    }

    [Fact]
    public async Task Only_the_last_state_is_uploaded_and_a_requested_one_is_answered_from_disk_even_by_a_restarted_node()
    {
        var (creatorPath, _) = await swarm.FundedKeyFileAsync(50_000_000);
        using var creator = ActorKey.Load(creatorPath);
        using var creatorClient = swarm.Client(creator);
        var job = await creatorClient.SubmitJobAsync(Spec);
        var (nodePath, _) = await swarm.FundedKeyFileAsync(5_000_000, "node");
        using var node = ActorKey.Load(nodePath);
        using var client = swarm.Client(node);
        await client.RegisterNodeAsync("states", MachineProbe.Hardware(), new Benchmark("mlp", 1000), ["fashion-mnist"]);
        var assignment = await client.JoinAsync($"{job.Id}-r0");
        var stateDir = Path.Combine(swarm.Folder, "states-" + Guid.NewGuid().ToString("N"));
        var options = new NodeOptions
        {
            Coordinator = new Uri(swarm.Url), KeyPath = nodePath, StateDirectory = stateDir,
            DatasetPaths = new Dictionary<string, string> { ["fashion-mnist"] = "/usr/share/datasets/fashion-mnist" },
        };
        var observer = new RecordingObserver();
        var delivered = await new AssignmentTrainer(options, new DatasetCache(null, false, paths: options.DatasetPaths), observer)
            .RunAsync(client, node, assignment, CancellationToken.None);

        var states = delivered.Receipt.Commitments.Select(c => c.State!).ToList();
        Assert.Equal(3, states.Count);
        Assert.Equal(delivered.Receipt.Commitments[^1].State, BlobId.Of(await client.GetBlobAsync(states[^1])));
        foreach (var kept in states[..^1])
        {
            var missing = await Assert.ThrowsAsync<SwarmApiException>(() => client.GetBlobAsync(kept));
            Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        }

        // The validator takes the round and asks for the state at step 2; the node's server uploads and answers it.
        var (validatorPath, _) = await swarm.FundedKeyFileAsync(0, "validator");
        using var validatorKey = ActorKey.Load(validatorPath);
        using var validator = swarm.Client(validatorKey);
        await CoordinatorFixture.EventuallyAsync(async () => (await validator.RoundAsync(assignment.RoundId)).Status == RoundStatus.Validating,
            "the round to validate", 60);
        var task = await validator.TakeValidationAsync(assignment.RoundId);
        await validator.RequestStatesAsync(assignment.RoundId, new StateRequestBatch(task.Round.Attempt, [new RequestedState(node.Address, states[0])]));
        var store = new CheckpointStore(stateDir, node.Address);
        await new StateServer(store, observer).ServeAsync(client, CancellationToken.None);
        Assert.Equal(StateRequestStatus.Answered, Assert.Single(await validator.StateRequestsAsync(assignment.RoundId)).Status);
        Assert.Equal(states[0], BlobId.Of(await validator.GetBlobAsync(states[0])));
        Assert.Contains(observer.Lines, l => l.Contains("uploaded 1 training state(s)", StringComparison.Ordinal));

        // A new server over the same folder (the node restarted) answers the next request too.
        await validator.RequestStatesAsync(assignment.RoundId, new StateRequestBatch(task.Round.Attempt, [new RequestedState(node.Address, states[1])]));
        await new StateServer(new CheckpointStore(stateDir, node.Address), new RecordingObserver()).ServeAsync(client, CancellationToken.None);
        Assert.All(await validator.StateRequestsAsync(assignment.RoundId), r => Assert.Equal(StateRequestStatus.Answered, r.Status));

        // Once the round is over the states are deleted.
        await creatorClient.CancelJobAsync(job.Id);
        await new StateServer(store, new RecordingObserver()).ServeAsync(client, CancellationToken.None);
        Assert.Empty(store.Rounds());
    }
}
