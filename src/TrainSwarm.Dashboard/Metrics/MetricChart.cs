namespace TrainSwarm.Dashboard.Metrics;

/// <summary>
/// One chart of the metrics page: which /metrics series it draws and how a scrape becomes its lines (a counter summed
/// by one label, or a histogram's mean as sum ÷ count).
/// </summary>
public sealed record MetricChart(string Id, string Title, string Unit, Func<IReadOnlyList<MetricSample>, IReadOnlyList<(string Line, double Value)>> Lines)
{
    /// <summary>The charts, in page order: the coordinator's own series (README "Observability") and HTTP latency.</summary>
    public static readonly IReadOnlyList<MetricChart> All =
    [
        new("rounds", "Round attempts", "attempts", s =>
            [.. Sum(s, "trainswarm_rounds_opened_total", "opened"), .. By(s, "trainswarm_rounds_closed_total", "outcome", "closed: ")]),
        new("updates", "Updates", "updates", s =>
            [.. Sum(s, "trainswarm_updates_received_total", "received"), .. Sum(s, "trainswarm_updates_accepted_total", "accepted"),
             .. Sum(s, "trainswarm_updates_rejected_total", "rejected")]),
        new("blobs", "Blob bytes", "bytes", s => By(s, "trainswarm_blob_transferred_bytes_total", "direction", "")),
        new("phases", "Mean round phase duration", "seconds", s => Mean(s, "trainswarm_round_phase_duration_seconds", "phase")),
        new("payouts", "Payouts", "transfers", s => Sum(s, "trainswarm_payouts_total", "payouts")),
        new("paid", "Paid out", "micro-tokens", s => Sum(s, "trainswarm_payouts_amount_total", "micro-tokens")),
        new("ledger", "Ledger commits by reason", "transfers", s => By(s, "trainswarm_ledger_commits_total", "reason", "")),
        new("http-requests", "HTTP requests", "requests", s => Sum(s, "http_server_request_duration_seconds_count", "requests")),
        new("http-latency", "Mean HTTP latency", "seconds", s => Mean(s, "http_server_request_duration_seconds", null)),
    ];

    private static IReadOnlyList<(string, double)> Sum(IReadOnlyList<MetricSample> samples, string name, string line)
    {
        var matching = samples.Where(x => x.Name == name).ToList();
        return matching.Count == 0 ? [] : [(line, matching.Sum(x => x.Value))];
    }

    private static IReadOnlyList<(string, double)> By(IReadOnlyList<MetricSample> samples, string name, string label, string prefix) =>
        [.. samples.Where(x => x.Name == name).GroupBy(x => x.Label(label) ?? "-", StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (prefix + g.Key, g.Sum(x => x.Value)))];

    // A histogram's mean over everything it saw, per label value (or overall): _sum ÷ _count.
    private static IReadOnlyList<(string, double)> Mean(IReadOnlyList<MetricSample> samples, string histogram, string? label)
    {
        string Key(MetricSample x) => label is null ? "mean" : x.Label(label) ?? "-";
        var counts = samples.Where(x => x.Name == histogram + "_count").GroupBy(Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(x => x.Value), StringComparer.Ordinal);
        return [.. samples.Where(x => x.Name == histogram + "_sum").GroupBy(Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Where(g => counts.GetValueOrDefault(g.Key) > 0).Select(g => (g.Key, g.Sum(x => x.Value) / counts[g.Key]))];
    }
}
