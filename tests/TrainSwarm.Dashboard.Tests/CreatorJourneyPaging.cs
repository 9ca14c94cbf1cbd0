using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace TrainSwarm.Dashboard.Tests;

/// <summary>
/// The journey's paged lists: the job page's ledger entries and events and the ledger page show exactly the rows of the API's
/// newest-first pages, and Older / Newer move between them with no row twice or missing.
/// </summary>
public sealed partial class CreatorJourneyTests
{
    // The page sizes the dashboard asks for.
    private const int JobLedgerPage = 20;
    private const int LedgerPage = 50;

    // The job's entries come 20 at a time: the pages, walked with Older, are the API's pages, then Newer goes back to the first.
    private async Task CheckJobPagingAsync(IPage page, string jobId)
    {
        // The nodes' claims of their payouts name the job but raise no event, so the page is read afresh once they are all in.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        foreach (var node in await devnet.Api.NodesAsync())
            while ((await devnet.Api.BalancesAsync(node.Address)).Claimable > 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"node {node.Address} has not claimed its payouts within 2 minutes");
                await Task.Delay(200);
            }
        await page.ReloadAsync();
        var rows = page.GetByTestId("job-ledger").Locator("tbody tr");
        var pager = page.GetByTestId("job-ledger-pager");
        var first = await devnet.Api.LedgerPageAsync(null, JobLedgerPage, jobId);
        Assert.True(first.Total > JobLedgerPage, $"the job has only {first.Total} ledger entries, one page");
        var position = pager.GetByTestId("job-ledger-pager-position");
        var olderClicks = 0;
        var seen = new List<long>();
        var api = first;
        while (true)
        {
            var shown = api;
            await ExpectSequencesAsync(rows, () => Task.FromResult(shown.Entries.Select(e => e.Sequence)));
            seen.AddRange(api.Entries.Select(e => e.Sequence));
            if (api.Next is null)
            {
                await Expect(pager.GetByTestId("job-ledger-pager-older")).ToBeDisabledAsync();
                break;
            }
            await pager.GetByTestId("job-ledger-pager-older").ClickAsync();
            olderClicks++;
            await Expect(position).ToHaveTextAsync(PageNumber(olderClicks + 1));
            api = await devnet.Api.LedgerPageAsync(api.Next, JobLedgerPage, jobId);
        }
        Assert.Equal(first.Total, seen.Count);
        output.WriteLine($"job ledger: {seen.Count} entries in {(seen.Count + JobLedgerPage - 1) / JobLedgerPage} pages");
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(seen.OrderDescending(), seen);
        // One Newer per Older, each waited for (a click lands only once the page it left has rendered).
        for (var number = olderClicks; number >= 1; number--)
        {
            await pager.GetByTestId("job-ledger-pager-newer").ClickAsync();
            await Expect(position).ToHaveTextAsync(PageNumber(number));
        }
        await ExpectSequencesAsync(rows, () => Task.FromResult(first.Entries.Select(e => e.Sequence)));

        // The events list is the API's newest page of the job's events (the job has ended, so it no longer changes).
        await ExpectSequencesAsync(page.GetByTestId("event-log").Locator("li"),
            async () => (await devnet.Api.LatestEventsAsync(null, 50, jobId)).Events.Select(e => e.Sequence));
    }

    // The whole chain 50 entries a page: consecutive sequences, newest first; Older continues one below the page's last row.
    private async Task CheckLedgerPagingAsync(IPage page)
    {
        var rows = page.GetByTestId("ledger").Locator("tbody tr");
        // The filter was just cleared: wait for the whole chain's page.
        await Expect(page.GetByTestId("ledger-pager-position")).Not.ToContainTextAsync("of the job", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("ledger-pager-newer")).ToBeDisabledAsync();
        var firstPage = await ConsecutiveAsync(rows);
        output.WriteLine($"ledger page 1: #{firstPage[0]} to #{firstPage[^1]}");
        if (firstPage[0] <= LedgerPage)
        {
            // The whole ledger fits one page.
            Assert.Equal(firstPage[0], firstPage.Count);
            await Expect(page.GetByTestId("ledger-pager-older")).ToBeDisabledAsync();
            return;
        }
        Assert.Equal(LedgerPage, firstPage.Count);
        await page.GetByTestId("ledger-pager-older").ClickAsync();
        await Expect(rows.First).ToHaveAttributeAsync("data-sequence", (firstPage[^1] - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var second = await ConsecutiveAsync(rows);
        Assert.Equal(Math.Min(LedgerPage, firstPage[^1] - 1), second.Count);
        await Expect(page.GetByTestId("ledger-pager-position")).ToHaveTextAsync(PageNumber(2));
        await page.GetByTestId("ledger-pager-newer").ClickAsync();
        await Expect(page.GetByTestId("ledger-pager-position")).ToHaveTextAsync(PageNumber(1));
        var back = await ConsecutiveAsync(rows);
        // Entries committed meanwhile (claims) come on top; the page still reaches down to where it was.
        Assert.True(back[0] >= firstPage[0] && back.Count == LedgerPage, $"back on page 1: #{back[0]}, {back.Count} rows");
    }

    // "page N", alone or followed by the page's summary.
    private static Regex PageNumber(int number) => new($"^page {number}( ·.*)?$");

    // The rows' sequence numbers, checked to run down one by one with no gap.
    private static async Task<List<long>> ConsecutiveAsync(ILocator rows)
    {
        await Expect(rows.First).ToBeVisibleAsync();
        var sequences = (await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.sequence)")).Select(long.Parse).ToList();
        Assert.Equal(Enumerable.Range(0, sequences.Count).Select(i => sequences[0] - i), sequences);
        return sequences;
    }

    // Waits (generously: the page reloads on events and every few seconds) until the rows show exactly the expected sequences, in order.
    private static async Task ExpectSequencesAsync(ILocator rows, Func<Task<IEnumerable<long>>> expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        string got, want;
        while ((got = string.Join(",", await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.sequence)")))
               != (want = string.Join(",", await expected())))
        {
            Assert.True(DateTime.UtcNow < deadline, $"rows {got}, expected {want}");
            await Task.Delay(200);
        }
    }
}
