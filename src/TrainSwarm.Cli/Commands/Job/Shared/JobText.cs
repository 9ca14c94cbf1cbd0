using System.Globalization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Job;

/// <summary>How the job verbs write a job's model, accuracies and times, so list, status and watch read alike.</summary>
internal static class JobText
{
    /// <summary>"cnn", or "custom (4 layers)" for a layer list.</summary>
    public static string ModelName(JobSpec spec) => spec.Layers is null ? spec.Model : $"custom ({spec.Layers.Count} layers)";

    /// <summary>"88.12%", or "-" before any round finished.</summary>
    public static string Accuracy(double? value) => value is { } v ? (v * 100).ToString("F2", CultureInfo.InvariantCulture) + "%" : "-";

    /// <summary>"2026-11-22 00:32:22".</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
