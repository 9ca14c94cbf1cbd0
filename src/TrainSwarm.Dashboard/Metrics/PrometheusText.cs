using System.Globalization;
using System.Text;

namespace TrainSwarm.Dashboard.Metrics;

/// <summary>
/// Reads the Prometheus text exposition format (version 0.0.4, what the coordinator's <c>/metrics</c> serves): comment
/// lines are skipped, label values are unescaped (\\, \" and \n), a timestamp after the value is ignored. A line that
/// is not a sample is skipped rather than failing the page, since the exporter may add series of its own.
/// </summary>
public static class PrometheusText
{
    /// <summary>Every sample in <paramref name="text"/>, in order.</summary>
    public static IReadOnlyList<MetricSample> Parse(string text)
    {
        var samples = new List<MetricSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
                continue;
            if (TryParseLine(line) is { } sample)
                samples.Add(sample);
        }
        return samples;
    }

    private static MetricSample? TryParseLine(string line)
    {
        var i = 0;
        while (i < line.Length && line[i] is not ('{' or ' '))
            i++;
        var name = line[..i];
        var labels = new List<KeyValuePair<string, string>>();
        if (i < line.Length && line[i] == '{' && !TryParseLabels(line, ref i, labels))
            return null;
        var rest = line[i..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (name.Length == 0 || rest.Length == 0 || !TryValue(rest[0], out var value))
            return null;
        labels.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new MetricSample(name, labels, value);
    }

    // i points at '{'; on success it points just after the matching '}'.
    private static bool TryParseLabels(string line, ref int i, List<KeyValuePair<string, string>> labels)
    {
        i++;
        while (i < line.Length && line[i] != '}')
        {
            var eq = line.IndexOf('=', i);
            if (eq < 0 || eq + 1 >= line.Length || line[eq + 1] != '"')
                return false;
            var key = line[i..eq].Trim();
            var value = new StringBuilder();
            var j = eq + 2;
            for (; j < line.Length && line[j] != '"'; j++)
            {
                if (line[j] == '\\' && j + 1 < line.Length)
                {
                    j++;
                    value.Append(line[j] == 'n' ? '\n' : line[j]);
                }
                else
                    value.Append(line[j]);
            }
            if (j >= line.Length)
                return false;
            labels.Add(new(key, value.ToString()));
            i = j + 1;
            if (i < line.Length && line[i] == ',')
                i++;
        }
        if (i >= line.Length)
            return false;
        i++;
        return true;
    }

    private static bool TryValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf":
                value = double.PositiveInfinity;
                return true;
            case "-Inf":
                value = double.NegativeInfinity;
                return true;
            case "NaN":
                value = double.NaN;
                return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
        }
    }
}
