using System.Text.Json;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>The smoke path: a creator submits a job, a node joins its round, and the live event stream tells the story.</summary>
public sealed class HappyPathTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>
{
    private sealed record SseEvent(string? Id, string? Type, string Data);

    [Fact]
    public async Task Submit_register_join_and_watch_the_events()
    {
        using var creator = await swarm.ActorAsync("creator");
        using (var creatorClient = swarm.Client(creator))
        {
            var registered = await creatorClient.RegisterActorAsync("creator"); // idempotent
            Assert.Equal(new ActorView(creator.Address, "creator", registered.RegisteredAt), registered);
        }
        var job = await swarm.JobAsync(creator);
        Assert.Equal(JobStatus.Running, job.Status);
        Assert.Equal(0, job.CurrentRound);

        using var nodeKey = ActorKey.Generate();
        using var node = swarm.Client(nodeKey);
        var view = await node.RegisterNodeAsync("smoke", new Hardware(2, 1L << 30, "linux", "x64"), new Benchmark("mlp", 500), ["fashion-mnist"]);
        Assert.Equal(nodeKey.Address, view.Address);
        Assert.Equal(["fashion-mnist"], view.Datasets);
        await node.FaucetAsync(CoordinatorFixture.StartingFunds); // joining locks a stake from the wallet

        var open = await node.RoundsAsync(RoundStatus.Open, job.Id);
        var round = Assert.Single(open);
        Assert.Equal($"{job.Id}-r0", round.Id);

        var assignment = await node.JoinAsync(round.Id);
        Assert.Equal(round.Id, assignment.RoundId);
        Assert.Equal(job.Id, assignment.JobId);
        Assert.Equal((0, 1, 0, 0, 1), (assignment.Index, assignment.Attempt, assignment.Slot, assignment.ShardIndex, assignment.ShardCount));
        Assert.Equal(job.InitialModelBlob, assignment.BaseModel);
        Assert.Equal(round.Seed, assignment.Seed);
        Assert.Equal(Specs.Tiny, assignment.Spec);

        var training = await node.RoundAsync(round.Id);
        Assert.Equal(RoundStatus.Training, training.Status);
        Assert.Equal(assignment.TrainDeadline, training.PhaseDeadline);
        var participant = Assert.Single(training.Participants);
        Assert.Equal((nodeKey.Address, 0, 0, ParticipantStatus.Joined), (participant.Node, participant.Slot, participant.Shard, participant.Status));
        // The audit commitment is published in the join answer; the listing stays as older coordinators served it.
        Assert.Equal([assignment with { AuditCommitment = null }], await node.AssignmentsAsync(nodeKey.Address));
        Assert.Equal(64, assignment.AuditCommitment?.Length);
        var stake = (await node.InfoAsync()).StakePerRound;
        var money = await node.BalancesAsync(nodeKey.Address);
        Assert.Equal((CoordinatorFixture.StartingFunds - stake, stake), (money.Wallet, money.Reserved));

        var events = await ReadEventsAsync($"{Routes.Events}?job={job.Id}", count: 4);
        Assert.Equal(
            [EventTypes.JobSubmitted, EventTypes.RoundStarted, EventTypes.NodeJoined, EventTypes.TrainingStarted],
            events.Select(e => e.Type));
        var ids = events.Select(e => long.Parse(e.Id!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var e in events)
        {
            var data = SwarmJson.Deserialize<SwarmEvent>(e.Data);
            Assert.Equal(e.Type, data.Type);
            Assert.Equal(e.Id, data.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(job.Id, data.JobId);
        }
        var joined = SwarmJson.Deserialize<SwarmEvent>(events[2].Data);
        Assert.Equal(nodeKey.Address, joined.Node);
        Assert.Equal(round.Id, joined.RoundId);
        Assert.Equal(Specs.Tiny.Name, SwarmJson.Deserialize<SwarmEvent>(events[0].Data).Data!.Value.GetProperty("name").GetString());

        // Resuming after the second event (Last-Event-ID) skips what was already seen.
        var resumed = await ReadEventsAsync($"{Routes.Events}?job={job.Id}", count: 2, lastEventId: events[1].Id);
        Assert.Equal([events[2], events[3]], resumed);
    }

    [Fact]
    public async Task The_event_stream_of_one_job_leaves_out_other_jobs()
    {
        using var creator = await swarm.ActorAsync("creator");
        var first = await swarm.JobAsync(creator);
        var second = await swarm.JobAsync(creator);
        var events = await ReadEventsAsync($"{Routes.Events}?job={second.Id}", count: 2);
        Assert.All(events, e => Assert.Equal(second.Id, SwarmJson.Deserialize<SwarmEvent>(e.Data).JobId));
        Assert.DoesNotContain(events, e => e.Data.Contains(first.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_live_stream_skips_the_backlog_and_delivers_what_is_committed_after_it_opened()
    {
        using var creator = await swarm.ActorAsync("creator");
        var old = await swarm.JobAsync(creator);
        using var client = swarm.Client();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var live = client.LiveEventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);
        var next = live.MoveNextAsync().AsTask();
        // The stream opens in the background: submit jobs until one's events arrive (the first may be committed before it is open).
        var submitted = new List<string>();
        while (!next.IsCompleted)
        {
            submitted.Add((await swarm.JobAsync(creator)).Id);
            await Task.WhenAny(next, Task.Delay(500, timeout.Token));
        }
        Assert.True(await next);
        Assert.NotEqual(old.Id, live.Current.JobId);
        Assert.Contains(live.Current.JobId, submitted);
    }

    /// <summary>Reads the first <paramref name="count"/> events of an SSE stream (with a timeout), then closes it.</summary>
    private async Task<List<SseEvent>> ReadEventsAsync(string path, int count, string? lastEventId = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(swarm.BaseAddress, path));
        request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
        if (lastEventId is not null)
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        using var response = await swarm.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        using var reader = new StreamReader(stream);
        var events = new List<SseEvent>();
        string? id = null, type = null;
        var data = new List<string>();
        while (events.Count < count)
        {
            var line = await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("the event stream ended early");
            if (line.Length == 0)
            {
                if (data.Count > 0)
                    events.Add(new SseEvent(id, type, string.Join('\n', data)));
                (id, type) = (null, null);
                data.Clear();
            }
            else if (line.StartsWith("id:", StringComparison.Ordinal))
                id = line[3..].TrimStart(' ');
            else if (line.StartsWith("event:", StringComparison.Ordinal))
                type = line[6..].TrimStart(' ');
            else if (line.StartsWith("data:", StringComparison.Ordinal))
                data.Add(line[5..].TrimStart(' '));
        }
        JsonDocument.Parse(events[0].Data).Dispose(); // every data line is JSON
        return events;
    }
}
