using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Protocol.Wire;
using static Microsoft.Playwright.Assertions;

namespace TrainSwarm.Dashboard.Tests;

/// <summary>
/// The job page of a grpo job in a real browser, against a devnet of its own (coordinator, validator, two nodes: real processes) that
/// fine-tunes a short arithmetic job: the chart is titled and labelled for held-out exact match and draws one point per finished round,
/// each the exact match (%) the round's result states (read back from the Chart.js instance on the page), with no loss line (grpo
/// losses are 0); the contributions table counts sequence tokens and scores by exact matches gained.
/// </summary>
public sealed class GrpoChartTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Two short rounds (few pre-training and GRPO steps: the chart, not the learning, is under test); no target, so both run.
    private static readonly JobSpec TwoRounds = GrpoDemoJob.Spec(rounds: 2, nodes: 2, stepsPerRound: 4, pretrainSteps: 200) with { Name = "grpo chart" };

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "trainswarm-grpochart-" + Guid.NewGuid().ToString("N")[..8]);
    private Devnet _net = default!;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        _net = await Devnet.StartAsync(new DevnetOptions { DataDirectory = _folder, Nodes = 2 }, CancellationToken.None);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = BrowserDevnet.ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    [Fact]
    public async Task The_job_page_charts_the_held_out_exact_match_of_every_round_of_a_grpo_job()
    {
        using var creator = _net.CreatorClient();
        var job = await creator.SubmitJobAsync(TwoRounds);
        var context = await _browser!.NewContextAsync(new() { BaseURL = _net.Url.ToString().TrimEnd('/') });
        context.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        var page = await context.NewPageAsync();
        try
        {
            await page.GotoAsync($"/jobs/{job.Id}");
            await Expect(page.GetByTestId("job-status")).ToHaveTextAsync("completed", new() { Timeout = 600_000 });
            var rounds = (await creator.JobRoundsAsync(job.Id)).Where(r => r.Status == RoundStatus.Done && r.Metrics is not null)
                .GroupBy(r => r.Index).Select(g => g.Last()).OrderBy(r => r.Index).ToList();
            Assert.Equal(2, rounds.Count);
            var exact = rounds.Select(r => Math.Round(r.Metrics!.HoldoutAccuracy * 100, 2)).ToList();
            output.WriteLine($"held-out exact match (%) per round (API): {string.Join(", ", exact)}");

            await Expect(page.Locator("#chart-title")).ToHaveTextAsync("Held-out exact match per round");
            var canvas = page.Locator("#metrics-chart");
            await Expect(canvas).ToHaveAttributeAsync("data-points", "2");
            await Expect(canvas).ToHaveAttributeAsync("aria-label",
                string.Create(CultureInfo.InvariantCulture, $"2 rounds; last held-out exact match {exact[^1]:0.0} %"));
            await Expect(page.GetByTestId("exact-match")).Not.ToHaveTextAsync("—");
            await Expect(page.GetByTestId("contributions").Locator("thead th").Nth(2)).ToHaveTextAsync("Sequence tokens");
            // Scored by exact match, not loss (a grpo line's losses are 0): the score column is the held-out prompts gained.
            await Expect(page.GetByTestId("contributions").Locator("thead th").Nth(3)).ToHaveTextAsync("Score (exact-match gain, prompts)");
            var drawn = await page.EvaluateAsync<JsonElement>(@"() => {
                const chart = Chart.getChart(document.getElementById('metrics-chart'));
                return { labels: chart.data.labels, line: chart.data.datasets[1].label, exact: chart.data.datasets[1].data,
                         loss: chart.data.datasets[0].data.length, lossAxis: chart.options.scales.loss.display,
                         max: chart.options.scales.accuracy.max };
            }");
            output.WriteLine($"chart: {drawn}");
            Assert.Equal(["1", "2"], drawn.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
            Assert.Equal("held-out exact match (%)", drawn.GetProperty("line").GetString());
            Assert.Equal(exact, drawn.GetProperty("exact").EnumerateArray().Select(v => v.GetDouble()));
            Assert.Equal(0, drawn.GetProperty("loss").GetInt32());
            Assert.False(drawn.GetProperty("lossAxis").GetBoolean());
            Assert.Equal(100, drawn.GetProperty("max").GetInt32());
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserDevnet.ScreenshotDirectory, "failure-grpo-chart.png"), FullPage = true });
            throw;
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
