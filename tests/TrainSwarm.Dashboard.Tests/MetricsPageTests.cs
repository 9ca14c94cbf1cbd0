using System.Globalization;
using Microsoft.Playwright;
using TrainSwarm.Dashboard.Metrics;
using static Microsoft.Playwright.Assertions;

namespace TrainSwarm.Dashboard.Tests;

/// <summary>The metrics page shows the coordinator's own /metrics series, the same names, labels and values, and charts them.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MetricsPageTests(BrowserDevnet devnet)
{
    [Fact]
    public async Task The_page_lists_every_coordinator_series_of_metrics_with_its_value_and_charts_them_over_time()
    {
        // A faucet mint commits a ledger transfer, so trainswarm_ledger_commits_total{reason="mint"} exists whatever ran before.
        var page = await devnet.NewPageAsync();
        await page.GotoAsync("/wallet");
        await page.GetByTestId("create-key").ClickAsync();
        await Expect(page.GetByTestId("registered")).ToHaveTextAsync("yes, as a creator");
        await page.GetByLabel("Tokens to mint").FillAsync("3");
        await page.GetByTestId("faucet").ClickAsync();
        await Expect(page.GetByTestId("wallet-available")).ToHaveTextAsync("3.000000 tokens");

        var before = await OwnSeriesAsync();
        Assert.Contains(before.Keys, k => k.StartsWith("trainswarm_ledger_commits_total{", StringComparison.Ordinal) && k.Contains("reason=\"mint\""));
        await page.GetByRole(AriaRole.Link, new() { Name = "Metrics" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Metrics");

        // Counters only grow: once the page shows every series /metrics had before at least at that value, what it shows
        // must be at most what /metrics has after, series by series, and name no series /metrics does not.
        var rows = page.GetByTestId("metric-samples").Locator("tbody tr");
        Dictionary<string, double> shown = [];
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            shown = await ShownAsync(rows);
            if (before.All(b => shown.TryGetValue(b.Key, out var v) && v >= b.Value))
                break;
            Assert.True(DateTime.UtcNow < deadline, "the page did not catch up with /metrics: " + string.Join(", ", before.Keys.Except(shown.Keys)));
            await Task.Delay(250);
        }
        var after = await OwnSeriesAsync();
        foreach (var (series, value) in shown)
        {
            Assert.True(after.TryGetValue(series, out var later), $"the page shows {series}, which /metrics does not serve");
            Assert.True(value <= later, $"the page shows {series} = {value}, above /metrics' later {later}");
        }

        // The charts: points accumulate one per scrape, and the ledger chart draws a line per reason (mint among them).
        await Expect(page.GetByTestId("metric-charts")).ToHaveAttributeAsync("data-scrapes", new System.Text.RegularExpressions.Regex("^([3-9]|[1-9][0-9]+)$"));
        await Expect(page.GetByTestId("chart-ledger")).Not.ToHaveAttributeAsync("data-lines", "0");
        await Expect(page.GetByTestId("chart-ledger")).ToHaveAttributeAsync("aria-label", new System.Text.RegularExpressions.Regex("mint [0-9]+"));
        Assert.True(int.Parse(await page.GetByTestId("chart-ledger").GetAttributeAsync("data-points") ?? "0", CultureInfo.InvariantCulture) >= 2);
        await Screens.CaptureAsync(page, "metrics");
    }

    [Fact]
    public void The_Prometheus_text_reader_keeps_labels_escapes_and_special_values()
    {
        var samples = PrometheusText.Parse(
            "# HELP x a counter\n# TYPE x counter\n" +
            "trainswarm_rounds_closed_total{outcome=\"done\",otel_scope_name=\"TrainSwarm.Coordinator\"} 3 1700000000000\n" +
            "http_server_request_duration_seconds_bucket{http_route=\"/rounds/{id}/join\",le=\"+Inf\"} 7\n" +
            "odd{path=\"a\\\"b\\\\c\"} NaN\n" +
            "plain 1.5e3\n" +
            "broken{unterminated=\"x 1\n");
        Assert.Equal(4, samples.Count);
        Assert.Equal("trainswarm_rounds_closed_total{otel_scope_name=\"TrainSwarm.Coordinator\",outcome=\"done\"}", samples[0].Series);
        Assert.Equal(("done", 3.0), (samples[0].Label("outcome"), samples[0].Value));
        Assert.Equal(("/rounds/{id}/join", "+Inf", 7.0), (samples[1].Label("http_route"), samples[1].Label("le"), samples[1].Value));
        Assert.Equal("a\"b\\c", samples[2].Label("path"));
        Assert.True(double.IsNaN(samples[2].Value));
        Assert.Equal(1500, samples[3].Value);
    }

    [Fact]
    public void The_history_pads_a_series_that_appears_late_and_keeps_a_bounded_window()
    {
        var history = new MetricHistory();
        var t = new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
        history.Add(t, PrometheusText.Parse("trainswarm_rounds_opened_total 1\n"));
        history.Add(t.AddSeconds(2), PrometheusText.Parse("trainswarm_rounds_opened_total 2\ntrainswarm_rounds_closed_total{outcome=\"done\"} 1\n" +
            "trainswarm_round_phase_duration_seconds_sum{phase=\"open\"} 3\ntrainswarm_round_phase_duration_seconds_count{phase=\"open\"} 2\n"));
        Assert.Equal(["12:00:00", "12:00:02"], history.Times);
        var rounds = history.Lines("rounds");
        Assert.Equal([1.0, 2.0], rounds["opened"]);
        Assert.Equal([null, 1.0], rounds["closed: done"]);
        Assert.Equal([null, 1.5], history.Lines("phases")["open"]);
        for (var i = 0; i < MetricHistory.Capacity + 5; i++)
            history.Add(t.AddSeconds(4 + i), PrometheusText.Parse("trainswarm_rounds_opened_total 9\n"));
        Assert.Equal(MetricHistory.Capacity, history.Times.Count);
        Assert.All(history.Lines("rounds").Values, v => Assert.Equal(MetricHistory.Capacity, v.Count));
        Assert.Equal(MetricHistory.Capacity + 7, history.Scrapes);
    }

    private async Task<Dictionary<string, double>> OwnSeriesAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(1) };
        var text = await http.GetStringAsync(devnet.Url + "/metrics");
        return PrometheusText.Parse(text).Where(s => s.Name.StartsWith("trainswarm_", StringComparison.Ordinal))
            .ToDictionary(s => s.Series, s => s.Value, StringComparer.Ordinal);
    }

    private static async Task<Dictionary<string, double>> ShownAsync(ILocator rows)
    {
        var shown = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var row in await rows.AllAsync())
        {
            var series = await row.GetAttributeAsync("data-series");
            var value = await row.GetAttributeAsync("data-value");
            if (series is not null && value is not null)
                shown[series] = double.Parse(value, CultureInfo.InvariantCulture);
        }
        return shown;
    }
}
