using System.Diagnostics;

namespace TrainSwarm.Coordinator.Telemetry;

/// <summary>The coordinator's span source. Spans cost nothing unless a tracer provider listens to <see cref="SourceName"/>.</summary>
public static class CoordinatorTracing
{
    /// <summary>The activity source name to listen to.</summary>
    public const string SourceName = "TrainSwarm.Coordinator";

    internal static readonly ActivitySource Source = new(SourceName);
}
