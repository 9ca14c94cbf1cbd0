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

    /// <summary>
    /// A grpo round's held-out exact match, before → after: "49/200 → 59/200 (24.5% → 29.5%)". The validator scores the prompts
    /// as correct of <see cref="RoundMetrics.HoldoutSamples"/>, so the accuracies times the prompts are whole counts.
    /// </summary>
    public static string ExactMatch(RoundMetrics m)
    {
        var n = m.HoldoutSamples;
        string Correct(double accuracy) =>
            Math.Round(accuracy * n).ToString("F0", CultureInfo.InvariantCulture) + "/" + n.ToString(CultureInfo.InvariantCulture);
        string Percent(double accuracy) => (accuracy * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";
        return $"{Correct(m.BaseHoldoutAccuracy)} → {Correct(m.HoldoutAccuracy)} ({Percent(m.BaseHoldoutAccuracy)} → {Percent(m.HoldoutAccuracy)})";
    }

    /// <summary>"2026-11-22 00:32:22".</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
}
