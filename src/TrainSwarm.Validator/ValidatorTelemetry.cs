using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TrainSwarm.Validator;

/// <summary>
/// The validator daemon's spans (source <see cref="Name"/>) and series (meter <see cref="Name"/>). Both cost next to
/// nothing unless a provider listens, which `swarm validator start` sets up only when OTLP is configured.
/// </summary>
public static class ValidatorTelemetry
{
    /// <summary>The activity source and meter name.</summary>
    public const string Name = "TrainSwarm.Validator";

    internal static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> ScoringDuration = Meter.CreateHistogram<double>(
        "trainswarm.validator.scoring.duration", "s", "Wall time to check and score one update on the holdout");

    private static readonly Counter<long> Scored = Meter.CreateCounter<long>(
        "trainswarm.validator.updates.scored", "{update}", "Updates scored, by verdict (accepted or rejected)");

    private static readonly Histogram<double> RoundDuration = Meter.CreateHistogram<double>(
        "trainswarm.validator.round.duration", "s", "Wall time from taking a round to its posted result");

    internal static void UpdateScored(TimeSpan wall, bool accepted)
    {
        ScoringDuration.Record(wall.TotalSeconds);
        Scored.Add(1, new KeyValuePair<string, object?>("verdict", accepted ? "accepted" : "rejected"));
    }

    internal static void RoundValidated(TimeSpan wall) => RoundDuration.Record(wall.TotalSeconds);
}
