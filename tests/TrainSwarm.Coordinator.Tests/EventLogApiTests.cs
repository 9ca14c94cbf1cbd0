using System.Net;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// <c>GET /api/v1/events/log</c>: the stored event history in exact pages by cursor, of every job or one, with bad paging refused 400.
/// Jobs keep their join window open for an hour, so the log holds only what the test did.
/// </summary>
public sealed class EventLogApiTests : IAsyncLifetime
{
    private static readonly JobSpec Quiet = Specs.Tiny with { OpenSeconds = 3600 };

    private readonly CoordinatorFixture _swarm = new();

    public Task InitializeAsync() => _swarm.InitializeAsync();

    public Task DisposeAsync() => _swarm.DisposeAsync();

    [Fact]
    public async Task Pages_follow_each_other_by_cursor_without_gaps_or_repeats()
    {
        using var creator = await _swarm.ActorAsync("creator");
        var jobs = new List<string>();
        for (var i = 0; i < 3; i++)
            jobs.Add((await _swarm.JobAsync(creator, Quiet)).Id);
        using var client = _swarm.Client();
        var whole = await client.EventLogAsync(0, 1000);
        Assert.Null(whole.Next);
        // Each submission commits two events, and nothing else happened.
        Assert.Equal(jobs.SelectMany(j => new[] { (j, EventTypes.JobSubmitted), (j, EventTypes.RoundStarted) }),
            whole.Events.Select(e => (e.JobId!, e.Type)));
        Assert.Equal([1, 2, 3, 4, 5, 6], whole.Events.Select(e => e.Sequence));

        var first = await client.EventLogAsync(0, 4);
        Assert.Equal([1, 2, 3, 4], first.Events.Select(e => e.Sequence));
        Assert.Equal(4, first.Next);
        var second = await client.EventLogAsync(first.Next!.Value, 4);
        Assert.Equal([5, 6], second.Events.Select(e => e.Sequence));
        Assert.Null(second.Next);
        Assert.Equal(whole.Events.Select(SwarmJson.Serialize), first.Events.Concat(second.Events).Select(SwarmJson.Serialize));

        // A full last page still names a cursor; the page after it is empty and names none.
        var exact = await client.EventLogAsync(3, 3);
        Assert.Equal([4, 5, 6], exact.Events.Select(e => e.Sequence));
        Assert.Equal(6, exact.Next);
        var empty = await client.EventLogAsync(6, 3);
        Assert.Empty(empty.Events);
        Assert.Null(empty.Next);

        // One job's history pages the same way, skipping the others.
        var ofSecond = await client.EventLogAsync(0, 1, jobs[1]);
        Assert.Equal([3], ofSecond.Events.Select(e => e.Sequence));
        Assert.Equal(3, ofSecond.Next);
        var next = await client.EventLogAsync(ofSecond.Next!.Value, 1, jobs[1]);
        Assert.Equal([4], next.Events.Select(e => e.Sequence));
        Assert.Equal(4, next.Next);
        Assert.Empty((await client.EventLogAsync(next.Next!.Value, 1, jobs[1])).Events);
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=1001")]
    [InlineData("?limit=-5")]
    [InlineData("?after=-1")]
    [InlineData("?limit=ten")]
    [InlineData("?after=1.5")]
    [InlineData("?job=..%2F..%2Fetc")]
    public async Task Bad_paging_is_refused_400_with_a_problem(string query)
    {
        using var response = await _swarm.Http.GetAsync(new Uri(_swarm.BaseAddress, Routes.EventLog + query));
        await AssertAsync(response, HttpStatusCode.BadRequest);
    }
}
