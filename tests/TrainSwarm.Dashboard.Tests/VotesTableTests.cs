using Microsoft.Playwright;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;
using static Microsoft.Playwright.Assertions;

namespace TrainSwarm.Dashboard.Tests;

/// <summary>
/// The job page's "Validator votes" table in a real browser, against a devnet of its own with three validator processes, one
/// of them the lying validator (tests/TrainSwarm.Validator.Liar): every vote is listed, the honest two as agreed with their
/// share of the round's fee as the invoice states it, the liar as dissented with none.
/// </summary>
public sealed class VotesTableTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Liar = 2;

    private static readonly JobSpec OneRound = new()
    {
        Name = "votes", Model = "mlp", Dataset = "fashion-mnist", Rounds = 1, MinNodes = 2, MaxNodes = 2, InnerSteps = 20,
        BatchSize = 32, LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9, Strategy = "fedavg", TrainSamples = 2_000,
        OpenSeconds = 60, TrainSeconds = 300, Seed = 21, Validators = 3,
    };

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "trainswarm-votes-" + Guid.NewGuid().ToString("N")[..8]);
    private Devnet _net = default!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        var liar = Path.Combine(AppContext.BaseDirectory, "TrainSwarm.Validator.Liar.dll");
        Assert.True(File.Exists(liar), $"{liar} is missing");
        _net = await Devnet.StartAsync(new DevnetOptions
        {
            DataDirectory = _folder, Nodes = 2, DatasetDirectory = "/usr/share/datasets/fashion-mnist", Validators = 3,
            ValidatorPrograms = new Dictionary<int, string> { [Liar] = liar },
        }, CancellationToken.None);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = BrowserDevnet.ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    [Fact]
    public async Task The_job_page_lists_every_validator_vote_as_agreed_or_dissented_with_its_fee_share()
    {
        using var creator = _net.CreatorClient();
        var job = await creator.SubmitJobAsync(OneRound);
        var roundId = $"{job.Id}-r0";
        // The liar's vote may come after the quorum accepted the round: wait for all three, and for the fee shares to be paid.
        var round = await WaitAsync(async () => await creator.RoundAsync(roundId) is { Votes.Count: 3, Status: RoundStatus.Done } r ? r : null,
            $"all three votes on {roundId}");
        var rewards = await WaitAsync(async () => await creator.InvoiceAsync(job.Id) is { Settled: true } i ? i.Rounds.Single() : null,
            $"job {job.Id}'s invoice to settle");
        var liar = _net.ValidatorAddresses[Liar - 1];
        var shares = rewards.ValidatorShares!;
        Assert.Equal(2, shares.Count);
        Assert.DoesNotContain(shares, s => s.Payee == liar);

        var context = await _browser!.NewContextAsync(new() { BaseURL = _net.Url.ToString().TrimEnd('/') });
        context.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync($"/jobs/{job.Id}");
            var rows = page.GetByTestId("votes").Locator("tbody tr");
            await Expect(rows).ToHaveCountAsync(3);
            foreach (var vote in round.Votes!)
            {
                var row = rows.Filter(new() { Has = page.Locator($"[title='{vote.Validator}']") });
                await Expect(row).ToHaveCountAsync(1);
                var cells = row.Locator("td");
                await Expect(cells.Nth(0)).ToHaveTextAsync("1");
                await Expect(cells.Nth(2)).ToHaveTextAsync(vote.Agreement[..12] + "…");
                if (vote.Validator == liar)
                {
                    await Expect(cells.Nth(3)).ToHaveTextAsync("dissented (no fee)");
                    await Expect(cells.Nth(4)).ToHaveTextAsync(Asset.Format(0) + " tokens");
                }
                else
                {
                    await Expect(cells.Nth(3)).ToHaveTextAsync("agreed");
                    await Expect(cells.Nth(4)).ToHaveTextAsync(Asset.Format(shares.Single(s => s.Payee == vote.Validator).Amount) + " tokens");
                }
            }
            await Screens.CaptureAsync(page, "job-votes");
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserDevnet.ScreenshotDirectory, "failure-votes.png"), FullPage = true });
            throw;
        }
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, string what) where T : class
    {
        var deadline = DateTime.UtcNow.AddMinutes(8);
        while (true)
        {
            if (await probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(250);
        }
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_net is not null)
        {
            await _net.DisposeAsync();
            foreach (var log in Directory.Exists(Path.Combine(_folder, "logs")) ? Directory.EnumerateFiles(Path.Combine(_folder, "logs")) : [])
                output.WriteLine($"--- {Path.GetFileName(log)}: " + string.Join("\n", File.ReadLines(log).TakeLast(15)));
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
