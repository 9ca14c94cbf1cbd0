using System.Net;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// <c>GET /api/v1/ledger/page</c> and <c>GET /api/v1/events/latest</c>, what the dashboard pages with: newest first, exact pages by the
/// <c>before</c> cursor, every row once across the pages, of everything or of one job, and bad paging refused 400. Jobs keep their join
/// window open for an hour, so the event log and the ledger hold only what the test did.
/// </summary>
public sealed class NewestFirstPagingTests : IAsyncLifetime
{
    private static readonly JobSpec Quiet = Specs.Tiny with { OpenSeconds = 3600 };

    private readonly CoordinatorFixture _swarm = new();

    public Task InitializeAsync() => _swarm.InitializeAsync();

    public Task DisposeAsync() => _swarm.DisposeAsync();

    [Fact]
    public async Task Ledger_pages_walk_the_whole_chain_newest_first_each_entry_once()
    {
        using var creator = await _swarm.ActorAsync("creator");
        using var other = await _swarm.ActorAsync("creator");
        var jobs = new List<string> { (await _swarm.JobAsync(creator, Quiet)).Id, (await _swarm.JobAsync(other, Quiet)).Id };
        using var client = _swarm.Client();
        var whole = await client.LedgerEntriesAsync(0, 1000);
        Assert.True(whole.Count > 9, $"only {whole.Count} entries"); // so there are several pages of 3
        var newestFirst = whole.Reverse().ToList();

        // Pages of 3: each exactly 3 rows (the last the rest), in order, with the cursor the oldest sequence of a full page.
        var pages = new List<LedgerPage>();
        long? before = null;
        do
        {
            var page = await client.LedgerPageAsync(before, 3);
            pages.Add(page);
            before = page.Next;
        }
        while (before is not null && pages.Count < 100);
        var expectedPages = newestFirst.Chunk(3).ToList();
        if (whole.Count % 3 == 0)
            expectedPages.Add([]); // a full last page names a cursor; the page after it is empty
        Assert.Equal(expectedPages.Count, pages.Count);
        for (var i = 0; i < pages.Count; i++)
        {
            Assert.Equal(expectedPages[i].Select(e => e.Sequence), pages[i].Entries.Select(e => e.Sequence));
            Assert.Equal(pages[i].Entries.Count == 3 ? pages[i].Entries[^1].Sequence : null, pages[i].Next);
            Assert.Equal(whole.Count, pages[i].Total);
            Assert.Equal((whole[^1].Sequence, whole[^1].Hash), (pages[i].HeadSequence, pages[i].HeadHash));
        }
        var walked = pages.SelectMany(p => p.Entries).ToList();
        Assert.Equal(newestFirst.Select(SwarmJson.Serialize), walked.Select(SwarmJson.Serialize));
        Assert.Equal(walked.Count, walked.Select(e => e.Sequence).Distinct().Count());

        // Every account a page's transfers move is named on that page, with its owner.
        foreach (var page in pages)
        {
            var named = page.Accounts.Select(a => a.Id).ToHashSet();
            var opened = whole.Where(e => e.Account is not null).ToDictionary(e => e.Account!.Id, e => e.Account!.Owner);
            foreach (var t in page.Entries.Select(e => e.Transfer).OfType<TransferWire>())
                foreach (var account in new[] { t.DebitAccount, t.CreditAccount }.Where(opened.ContainsKey))
                    Assert.Equal(opened[account], page.Accounts.Single(a => a.Id == account).Owner);
            Assert.All(page.Accounts, a => Assert.Contains(a.Id, opened.Keys));
            Assert.Equal(page.Accounts.Count, named.Count);
        }

        // One job's transfers, a page of one at a time, are exactly the chain's entries naming the job, newest first.
        foreach (var job in jobs)
        {
            var expected = newestFirst.Where(e => e.Transfer?.Job == job).Select(e => e.Sequence).ToList();
            Assert.NotEmpty(expected);
            var seen = new List<long>();
            before = null;
            for (var guard = 0; guard < 50; guard++)
            {
                var page = await client.LedgerPageAsync(before, 1, job);
                Assert.Equal(expected.Count, page.Total);
                seen.AddRange(page.Entries.Select(e => e.Sequence));
                if ((before = page.Next) is null)
                    break;
            }
            Assert.Equal(expected, seen);
        }
    }

    [Fact]
    public async Task Event_pages_walk_the_history_newest_first_each_event_once()
    {
        using var creator = await _swarm.ActorAsync("creator");
        var jobs = new List<string>();
        for (var i = 0; i < 3; i++)
            jobs.Add((await _swarm.JobAsync(creator, Quiet)).Id);
        using var client = _swarm.Client();
        var whole = await client.EventLogAsync(0, 1000);
        Assert.Equal([1, 2, 3, 4, 5, 6], whole.Events.Select(e => e.Sequence));

        var first = await client.LatestEventsAsync(null, 4);
        Assert.Equal([6, 5, 4, 3], first.Events.Select(e => e.Sequence));
        Assert.Equal(3, first.Next);
        var second = await client.LatestEventsAsync(first.Next, 4);
        Assert.Equal([2, 1], second.Events.Select(e => e.Sequence));
        Assert.Null(second.Next);
        Assert.Equal(whole.Events.Reverse().Select(SwarmJson.Serialize), first.Events.Concat(second.Events).Select(SwarmJson.Serialize));

        // A full last page still names a cursor; the page after it is empty and names none.
        var exact = await client.LatestEventsAsync(4, 3);
        Assert.Equal([3, 2, 1], exact.Events.Select(e => e.Sequence));
        Assert.Equal(1, exact.Next);
        var empty = await client.LatestEventsAsync(1, 3);
        Assert.Empty(empty.Events);
        Assert.Null(empty.Next);

        // One job's events (its submission and its first round), a page of one at a time, skipping the others.
        var ofSecond = await client.LatestEventsAsync(null, 1, jobs[1]);
        Assert.Equal([4], ofSecond.Events.Select(e => e.Sequence));
        var next = await client.LatestEventsAsync(ofSecond.Next, 1, jobs[1]);
        Assert.Equal([3], next.Events.Select(e => e.Sequence));
        Assert.Empty((await client.LatestEventsAsync(next.Next, 1, jobs[1])).Events);
    }

    [Theory]
    [InlineData("/ledger/page?limit=0")]
    [InlineData("/ledger/page?limit=201")]
    [InlineData("/ledger/page?before=0")]
    [InlineData("/ledger/page?before=-3")]
    [InlineData("/ledger/page?limit=ten")]
    [InlineData("/ledger/page?before=1.5")]
    [InlineData("/ledger/page?job=..%2F..%2Fetc")]
    [InlineData("/events/latest?limit=0")]
    [InlineData("/events/latest?limit=1001")]
    [InlineData("/events/latest?before=0")]
    [InlineData("/events/latest?before=x")]
    [InlineData("/events/latest?job=j%00")]
    public async Task Bad_paging_is_refused_400_with_a_problem(string query)
    {
        using var response = await _swarm.Http.GetAsync(new Uri(_swarm.BaseAddress, "/api/v1" + query));
        await AssertAsync(response, HttpStatusCode.BadRequest);
    }
}
