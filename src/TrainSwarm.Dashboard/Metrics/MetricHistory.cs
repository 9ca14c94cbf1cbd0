namespace TrainSwarm.Dashboard.Metrics;

/// <summary>
/// The last <see cref="Capacity"/> scrapes of /metrics as chart points: one time label per scrape, and per chart one
/// list of values per line (null before a line's first sample, since a series appears with its first measurement).
/// Kept per page instance, so an open page charts from when it was opened.
/// </summary>
public sealed class MetricHistory
{
    /// <summary>Scrapes kept (at one every 2 s, four minutes).</summary>
    public const int Capacity = 120;

    private readonly List<string> _times = [];
    private readonly Dictionary<string, Dictionary<string, List<double?>>> _charts = new(StringComparer.Ordinal);

    /// <summary>The samples of the latest scrape (what the page's table lists).</summary>
    public IReadOnlyList<MetricSample> Latest { get; private set; } = [];

    /// <summary>The time label of each kept scrape, oldest first.</summary>
    public IReadOnlyList<string> Times => _times;

    /// <summary>Scrapes taken since the page opened (the kept ones and those dropped).</summary>
    public int Scrapes { get; private set; }

    /// <summary>Adds one scrape taken at <paramref name="at"/>.</summary>
    public void Add(DateTimeOffset at, IReadOnlyList<MetricSample> samples)
    {
        Latest = samples;
        Scrapes++;
        _times.Add(at.UtcDateTime.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        foreach (var chart in MetricChart.All)
        {
            if (!_charts.TryGetValue(chart.Id, out var lines))
                _charts[chart.Id] = lines = new(StringComparer.Ordinal);
            var now = chart.Lines(samples).ToDictionary(l => l.Line, l => l.Value, StringComparer.Ordinal);
            foreach (var name in now.Keys.Where(n => !lines.ContainsKey(n)))
                lines[name] = [.. Enumerable.Repeat<double?>(null, _times.Count - 1)];
            foreach (var (name, values) in lines)
                values.Add(now.TryGetValue(name, out var v) ? v : null);
        }
        if (_times.Count > Capacity)
        {
            _times.RemoveAt(0);
            foreach (var values in _charts.Values.SelectMany(l => l.Values))
                values.RemoveAt(0);
        }
    }

    /// <summary>The lines of chart <paramref name="id"/>, each with one value per kept scrape.</summary>
    public IReadOnlyDictionary<string, List<double?>> Lines(string id) =>
        _charts.TryGetValue(id, out var lines) ? lines : new Dictionary<string, List<double?>>();
}
