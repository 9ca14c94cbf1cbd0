using System.Globalization;
using System.Text.Json;
using Microsoft.Playwright;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Protocol.Wire;
using static Microsoft.Playwright.Assertions;

namespace TrainSwarm.Dashboard.Tests;

/// <summary>
/// The job page of an rl job in a real browser, against a devnet of its own (coordinator, validator, two nodes: real processes) that
/// trains a short cartpole-ppo job: the chart is titled and labelled for returns and draws one point per finished round, each the
/// mean evaluation return the round's result states (read back from the Chart.js instance on the page), with no loss line.
/// </summary>
public sealed class RlChartTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Two short rounds with a target no two rounds of 4 rollouts reach, so both run and the chart has two points to show.
    private static readonly JobSpec TwoRounds = RlDemoJob.Spec(rounds: 2, nodes: 2) with
    {
        Name = "rl chart", Rl = new RlJobSpec { RolloutsPerRound = 4, EvalEpisodes = 20, TargetReturn = 500 },
    };

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "trainswarm-rlchart-" + Guid.NewGuid().ToString("N")[..8]);
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
    public async Task The_job_page_charts_the_mean_return_of_every_round_of_an_rl_job()
    {
        using var creator = _net.CreatorClient();
        var job = await creator.SubmitJobAsync(TwoRounds);
        var context = await _browser!.NewContextAsync(new() { BaseURL = _net.Url.ToString().TrimEnd('/') });
        context.SetDefaultTimeout(30_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        var page = await context.NewPageAsync();
        try
        {
            // The page is open while the job runs: the chart must follow it live to the end.
            await page.GotoAsync($"/jobs/{job.Id}");
            await Expect(page.GetByTestId("job-status")).ToHaveTextAsync("completed", new() { Timeout = 300_000 });
            var rounds = (await creator.JobRoundsAsync(job.Id)).Where(r => r.Status == RoundStatus.Done).OrderBy(r => r.Index).ToList();
            Assert.Equal(2, rounds.Count);
            var returns = rounds.Select(r => Math.Round(r.Metrics!.MeanReturn!.Value, 1)).ToList();
            output.WriteLine($"mean return per round (API): {string.Join(", ", returns)}");

            await Expect(page.Locator("#chart-title")).ToHaveTextAsync("Mean evaluation return per round");
            var canvas = page.Locator("#metrics-chart");
            await Expect(canvas).ToHaveAttributeAsync("data-points", "2");
            await Expect(canvas).ToHaveAttributeAsync("aria-label",
                string.Create(CultureInfo.InvariantCulture, $"2 rounds; last mean return {returns[^1]:0.0} (target 500)"));
            var drawn = await page.EvaluateAsync<JsonElement>(@"() => {
                const chart = Chart.getChart(document.getElementById('metrics-chart'));
                return { labels: chart.data.labels, line: chart.data.datasets[1].label, returns: chart.data.datasets[1].data,
                         loss: chart.data.datasets[0].data.length, max: chart.options.scales.accuracy.max };
            }");
            output.WriteLine($"chart: {drawn}");
            Assert.Equal(["1", "2"], drawn.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
            Assert.Equal("mean return", drawn.GetProperty("line").GetString());
            Assert.Equal(returns, drawn.GetProperty("returns").EnumerateArray().Select(v => v.GetDouble()));
            Assert.Equal(0, drawn.GetProperty("loss").GetInt32());
            // The return axis ends at the episode's step limit (CartPole-v1: 500), the most an episode can return.
            Assert.Equal(500, drawn.GetProperty("max").GetInt32());
            await Screens.CaptureAsync(page, "job-rl");
        }
        catch
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserDevnet.ScreenshotDirectory, "failure-rl-chart.png"), FullPage = true });
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
