using System.Text.RegularExpressions;
using Microsoft.Playwright;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;
using static Microsoft.Playwright.Assertions;

namespace TrainSwarm.Dashboard.Tests;

/// <summary>
/// A creator's whole path through the dashboard in a real browser against a devnet of real processes: a key made in
/// the page, funded from the faucet, a job priced and submitted (signed in the browser), watched round by round,
/// its model downloaded and its invoice, ledger and nodes checked against the API.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class CreatorJourneyTests(BrowserDevnet devnet, ITestOutputHelper output)
{
    private const int Rounds = 3;

    [Fact]
    public async Task Creator_submits_a_job_from_the_browser_and_follows_it_to_the_invoice()
    {
        var page = await devnet.NewPageAsync();
        try
        {
            await RunAsync(page);
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserDevnet.ScreenshotDirectory, "failure-journey.png"), FullPage = true });
            output.WriteLine(devnet.Logs());
            devnet.KeepLogs();
            throw;
        }
    }

    private async Task RunAsync(IPage page)
    {
        // A key made in this browser, registered and funded.
        await page.GotoAsync("/wallet");
        await page.GetByTestId("create-key").ClickAsync();
        await Expect(page.GetByTestId("address")).ToHaveTextAsync(AddressPattern());
        var address = await page.GetByTestId("address").InnerTextAsync();
        await Expect(page.GetByTestId("registered")).ToHaveTextAsync("yes, as a creator");
        await page.GetByLabel("Tokens to mint").FillAsync("50");
        await page.GetByTestId("faucet").ClickAsync();
        await Expect(page.GetByTestId("wallet-available")).ToHaveTextAsync("50.000000 tokens");
        Assert.Equal(50_000_000, (await devnet.Api.BalancesAsync(address)).Wallet);
        await Screens.CaptureAsync(page, "wallet");

        // The form, its live quote (equal to the API's for the same spec), and a browser-signed submission.
        await page.GetByRole(AriaRole.Link, new() { Name = "New job" }).ClickAsync();
        await page.GetByLabel("Preset").SelectOptionAsync("mlp-quick");
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync("browser job");
        await page.GetByLabel("Rounds", new() { Exact = true }).FillAsync(Rounds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var spec = new JobSpec
        {
            Name = "browser job", Model = "mlp", Dataset = "fashion-mnist", Rounds = Rounds, MinNodes = 1, MaxNodes = 2, InnerSteps = 10,
            BatchSize = 32, LearningRate = 0.05, Optimizer = "sgd", Strategy = "fedavg", TrainSamples = 2000,
        };
        var apiQuote = await devnet.Api.QuoteAsync(spec);
        await Expect(page.GetByTestId("quote-total")).ToHaveTextAsync(Asset.Format(apiQuote.Total) + " tokens");
        await Expect(page.GetByTestId("quote-compute")).ToHaveTextAsync(Asset.Format(apiQuote.ComputeCost) + " tokens");
        await Expect(page.GetByTestId("quote-duration")).ToContainTextAsync(" to ");
        await Screens.CaptureAsync(page, "new-job");
        await page.GetByTestId("submit").ClickAsync();
        await page.WaitForURLAsync(new Regex("/jobs/j[0-9a-f]+$"));
        var jobId = page.Url.Split('/')[^1];

        // The escrow the ledger committed was signed by the browser's key, and it reserved exactly the quote.
        var job = await devnet.Api.JobAsync(jobId);
        Assert.Equal(address, job.Creator);
        Assert.Equal(spec, job.Spec);
        Assert.Equal(apiQuote.Total, job.Billing!.Budget);
        var escrowEntry = (await devnet.Api.LedgerEntriesAsync(0, 1000)).Single(e => e.Transfer?.Id == job.Billing.EscrowTransferId);
        Assert.Equal(address, escrowEntry.Actor);

        // The chart gains points round by round while the page stays loaded: every value the chart's point count takes
        // is recorded in the page (a reload would lose the record), and it must climb step by step to the last round.
        await page.EvaluateAsync(@"() => {
            window.__points = [];
            const record = () => {
                const value = document.getElementById('metrics-chart')?.dataset.points;
                if (value && value !== '0' && value !== window.__points[window.__points.length - 1]) window.__points.push(value);
            };
            new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-points'] });
            record();
        }");
        var chart = page.Locator("#metrics-chart");
        await Expect(chart).ToHaveAttributeAsync(
            "data-points", Rounds.ToString(System.Globalization.CultureInfo.InvariantCulture), new() { Timeout = 120_000 });
        var seen = (await page.EvaluateAsync<string[]>("() => window.__points")).Select(int.Parse).ToList();
        output.WriteLine($"chart point counts seen: {string.Join(", ", seen)}");
        Assert.Equal(Rounds, seen[^1]);
        Assert.True(seen.Count >= 2, $"the chart went straight to {Rounds} points ({string.Join(", ", seen)})");
        Assert.True(seen.Zip(seen.Skip(1)).All(p => p.Second > p.First), $"the point counts did not only grow: {string.Join(", ", seen)}");
        await Expect(page.GetByTestId("job-status")).ToHaveTextAsync("completed", new() { Timeout = 60_000 });

        // The invoice on the page equals the API's to the micro-token, once every transfer is committed.
        var invoice = await WaitForSettledInvoiceAsync(jobId);
        await Expect(page.GetByTestId("invoice-total")).ToHaveTextAsync(Tokens(invoice.TotalBilled), new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("invoice-refund")).ToHaveTextAsync(Tokens(invoice.Refund!.Value));
        await Expect(page.GetByTestId("invoice-reserved")).ToHaveTextAsync(Tokens(invoice.Reserved));
        await Expect(page.GetByTestId("invoice-compute")).ToHaveTextAsync(Tokens(invoice.ComputePaid));
        await Expect(page.GetByTestId("invoice-validator-fees")).ToHaveTextAsync(Tokens(invoice.ValidatorFees));
        await Expect(page.GetByTestId("invoice-protocol-fees")).ToHaveTextAsync(Tokens(invoice.ProtocolFees));
        Assert.Equal(invoice.Reserved, invoice.TotalBilled + invoice.Refund);
        Assert.True(invoice.TotalBilled > 0);

        // The model downloads from the page, byte for byte the API's.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download-model").ClickAsync());
        var saved = Path.Combine(devnet.Folder, "downloaded.safetensors");
        await download.SaveAsAsync(saved);
        Assert.Equal(await devnet.Api.DownloadModelAsync(jobId), await File.ReadAllBytesAsync(saved));
        Assert.Matches($"^{jobId}.*\\.safetensors$", download.SuggestedFilename);
        await Screens.CaptureAsync(page, "job");
        await CheckJobPagingAsync(page, jobId);

        await page.GotoAsync($"/jobs/{jobId}/invoice");
        await Expect(page.GetByTestId("invoice-total")).ToHaveTextAsync(Tokens(invoice.TotalBilled));
        await Screens.CaptureAsync(page, "invoice");

        await CheckLedgerAsync(page, jobId, invoice);
        await CheckNodesAsync(page);

        await page.GotoAsync("/leaderboard");
        await Expect(page.GetByTestId("leaderboard").Locator("tbody tr")).ToHaveCountAsync(2);
        await Screens.CaptureAsync(page, "leaderboard");
        await page.GotoAsync("/");
        await Expect(page.GetByTestId("activity").Locator("li").First).ToBeVisibleAsync();
        await Screens.CaptureAsync(page, "overview");
    }

    // The job's escrow, each payout and the refund are on the ledger page, and verification passes.
    private async Task CheckLedgerAsync(IPage page, string jobId, Invoice invoice)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Ledger" }).ClickAsync();
        await page.GetByLabel("Only entries of job").FillAsync(jobId);
        var rows = page.GetByTestId("ledger").Locator("tbody tr");
        var escrow = rows.And(page.Locator($"[data-transfer='{invoice.EscrowTransferId}']"));
        await Expect(escrow).ToContainTextAsync("pending escrow");
        await Expect(escrow).ToContainTextAsync(Tokens(invoice.Reserved));
        var payouts = invoice.Rounds.SelectMany(r => r.Lines).Where(l => l.Payout > 0).ToList();
        await Expect(rows.And(page.Locator("[data-reason=payout]"))).ToHaveCountAsync(payouts.Count);
        foreach (var line in payouts)
            await Expect(rows.And(page.Locator($"[data-transfer='{line.TransferId}']"))).ToContainTextAsync(Tokens(line.Payout));
        var refund = rows.And(page.Locator($"[data-transfer='{invoice.RefundTransferId}']"));
        await Expect(refund).ToContainTextAsync("refund");
        await Expect(refund).ToContainTextAsync(Tokens(invoice.Refund!.Value));
        await page.GetByTestId("verify").ClickAsync();
        await Expect(page.GetByTestId("verify-result")).ToContainTextAsync("✓ Verified", new() { Timeout = 60_000 });
        await Expect(rows.First).ToContainTextAsync("✓ verified");
        await page.GetByLabel("Only entries of job").FillAsync("");
        await CheckLedgerPagingAsync(page);
        await Screens.CaptureAsync(page, "ledger");
    }

    // Every devnet node is listed with its earnings as the API states them; the job paid at least one.
    private async Task CheckNodesAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Link, new() { Name = "Nodes" }).ClickAsync();
        var nodes = await devnet.Api.NodesAsync();
        Assert.Equal(2, nodes.Count);
        Assert.Contains(nodes, n => n.Earned > 0);
        foreach (var node in nodes)
            await Expect(page.Locator($"tr[data-address='{node.Address}'] [data-testid=node-earned]")).ToHaveTextAsync(Tokens(node.Earned));
        await Screens.CaptureAsync(page, "nodes");
        await page.Locator($"tr[data-address='{nodes[0].Address}'] a").First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync(nodes[0].Name);
        await Screens.CaptureAsync(page, "node");
    }

    private async Task<Invoice> WaitForSettledInvoiceAsync(string jobId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            var invoice = await devnet.Api.InvoiceAsync(jobId);
            if (invoice.Settled && invoice.Refund is not null)
                return invoice;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"job {jobId}'s invoice did not settle");
            await Task.Delay(250);
        }
    }

    private static string Tokens(long units) => Asset.Format(units) + " tokens";

    [GeneratedRegex("^ts1[0-9a-f]{40}$")]
    private static partial Regex AddressPattern();
}
