using System.Globalization;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>Reads samples out of a Prometheus text exposition (what <c>/metrics</c> serves).</summary>
public static class PrometheusText
{
    /// <summary>
    /// The sum of every sample named <paramref name="name"/> whose labels include all of <paramref name="labels"/>
    /// (name=value pairs); null when there is none.
    /// </summary>
    public static double? Sum(string text, string name, params (string Name, string Value)[] labels)
    {
        double? sum = null;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal))
                continue;
            var rest = line[name.Length..];
            string labelText = "";
            if (rest.StartsWith('{'))
            {
                // The last "} ": a label value may itself hold braces (a route template such as /rounds/{id}/join).
                var close = rest.LastIndexOf("} ", StringComparison.Ordinal);
                labelText = rest[1..close];
                rest = rest[(close + 1)..];
            }
            else if (!rest.StartsWith(' '))
                continue; // a longer name that starts with this one
            if (!labels.All(l => labelText.Contains($"{l.Name}=\"{l.Value}\"", StringComparison.Ordinal)))
                continue;
            var value = rest.Trim().Split(' ')[0];
            sum = (sum ?? 0) + double.Parse(value, CultureInfo.InvariantCulture);
        }
        return sum;
    }
}
