namespace TrainSwarm.Dashboard.Metrics;

/// <summary>One sample of a Prometheus text exposition: a series name, its labels (sorted by name) and its value.</summary>
public sealed record MetricSample(string Name, IReadOnlyList<KeyValuePair<string, string>> Labels, double Value)
{
    /// <summary>The label's value, or null when the sample has no such label.</summary>
    public string? Label(string name)
    {
        foreach (var (key, value) in Labels)
            if (key == name)
                return value;
        return null;
    }

    /// <summary>The series as /metrics writes it, such as <c>trainswarm_rounds_closed_total{outcome="done"}</c>.</summary>
    public string Series => Labels.Count == 0 ? Name : $"{Name}{{{string.Join(",", Labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}}";
}
