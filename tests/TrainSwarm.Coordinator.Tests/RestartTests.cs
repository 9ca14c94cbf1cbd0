using System.Net;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>Whatever the coordinator acknowledged survives a restart on the same data directory.</summary>
public sealed class RestartTests : IAsyncLifetime
{
    private readonly CoordinatorFixture _swarm = new();

    public Task InitializeAsync() => _swarm.InitializeAsync();

    public Task DisposeAsync() => _swarm.DisposeAsync();

    [Fact]
    public async Task Jobs_rounds_participants_nodes_blobs_and_used_nonces_survive_a_restart()
    {
        using var creator = await _swarm.ActorAsync("creator");
        var job = await _swarm.JobAsync(creator, Specs.Tiny with { MinNodes = 2, MaxNodes = 3, OpenSeconds = 3600 });
        using var node = await _swarm.NodeAsync("fashion-mnist");
        var round = await _swarm.RoundOfAsync(job.Id);
        Assignment assignment;
        using (var client = _swarm.Client(node))
            assignment = await client.JoinAsync(round.Id);

        // A signed request that was accepted before the restart.
        var uri = new Uri(_swarm.BaseAddress, Routes.Jobs);
        var body = await _swarm.SubmissionBodyAsync(creator);
        var headers = HttpSignature.Sign(creator, "POST", uri.PathAndQuery, body, DateTimeOffset.UtcNow);
        JobView second;
        using (var accepted = await _swarm.SendAsync(_swarm.SignedRequest(creator, HttpMethod.Post, Routes.Jobs, body, headers)))
        {
            Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
            second = SwarmJson.Deserialize<JobView>(await accepted.Content.ReadAsByteArrayAsync());
        }

        string jobsBefore, roundsBefore, nodeBefore;
        var creatorMoney = await _swarm.BalancesAsync(creator.Address);
        var creatorJson = SwarmJson.Serialize(creatorMoney);
        var nodeMoney = SwarmJson.Serialize(await _swarm.BalancesAsync(node.Address));
        Assert.Equal(job.Billing!.Budget + second.Billing!.Budget, creatorMoney.Reserved);
        using (var reader = _swarm.Client())
        {
            jobsBefore = SwarmJson.Serialize(await reader.JobsAsync());
            roundsBefore = SwarmJson.Serialize(await reader.JobRoundsAsync(job.Id));
            nodeBefore = SwarmJson.Serialize((await reader.NodeAsync(node.Address)) with { LastSeenAt = default, Online = false });
        }
        var before = await _swarm.RoundOfAsync(job.Id);
        Assert.Equal([node.Address], before.Participants.Select(p => p.Node));

        await _swarm.StopAsync();
        await _swarm.StartAsync();

        using var after = _swarm.Client();
        Assert.Equal(jobsBefore, SwarmJson.Serialize(await after.JobsAsync()));
        Assert.Equal(roundsBefore, SwarmJson.Serialize(await after.JobRoundsAsync(job.Id)));
        Assert.Equal(nodeBefore, SwarmJson.Serialize((await after.NodeAsync(node.Address)) with { LastSeenAt = default, Online = false }));
        var reloaded = await after.RoundAsync(round.Id);
        Assert.Equal(RoundStatus.Open, reloaded.Status);
        var participant = Assert.Single(reloaded.Participants);
        Assert.Equal((node.Address, 0, 0, ParticipantStatus.Joined), (participant.Node, participant.Slot, participant.Shard, participant.Status));
        Assert.Equal([assignment with { AuditCommitment = null }], await after.AssignmentsAsync(node.Address));
        Assert.Equal(HttpStatusCode.OK, await _swarm.StatusOfGetAsync(Routes.Blob(job.InitialModelBlob)));
        Assert.Equal(HttpStatusCode.OK, await _swarm.StatusOfGetAsync(Routes.Blob(second.InitialModelBlob)));
        // The money survives too: both escrows and the node's stake are still held.
        Assert.Equal(creatorJson, SwarmJson.Serialize(await _swarm.BalancesAsync(creator.Address)));
        Assert.Equal(nodeMoney, SwarmJson.Serialize(await _swarm.BalancesAsync(node.Address)));

        // Keys stay registered: the node can still act, and joining again is still a conflict.
        using (var client = _swarm.Client(node))
        {
            using var rejoin = await client.SendSignedRawAsync(HttpMethod.Post, Routes.RoundJoin(round.Id), "{}"u8.ToArray(), "application/json");
            await AssertAsync(rejoin, HttpStatusCode.Conflict);
        }

        // The nonce used before the restart is still spent: replaying that request is refused and creates nothing.
        var jobCount = await _swarm.JobCountAsync();
        using var replay = await _swarm.SendAsync(_swarm.SignedRequest(creator, HttpMethod.Post, Routes.Jobs, body, headers));
        var problem = await AssertAsync(replay, HttpStatusCode.Unauthorized);
        Assert.Contains("nonce", Detail(problem), StringComparison.Ordinal);
        Assert.Equal(jobCount, await _swarm.JobCountAsync());
        Assert.Equal(creatorJson, SwarmJson.Serialize(await _swarm.BalancesAsync(creator.Address)));
        await _swarm.AssertLedgerOkAsync();
    }
}
