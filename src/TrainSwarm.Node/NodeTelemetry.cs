using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace TrainSwarm.Node;

/// <summary>
/// The node daemon's spans (source <see cref="Name"/>) and series (meter <see cref="Name"/>). Both cost next to nothing
/// unless a provider listens, which `swarm node start` sets up only when OTLP is configured.
/// </summary>
public static class NodeTelemetry
{
    /// <summary>The activity source and meter name.</summary>
    public const string Name = "TrainSwarm.Node";

    internal static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> TrainingDuration = Meter.CreateHistogram<double>(
        "trainswarm.node.training.duration", "s", "Wall time of one assignment's local training");

    private static readonly Counter<long> UploadedBytes = Meter.CreateCounter<long>(
        "trainswarm.node.uploaded", "By", "Update bytes this node uploaded");

    private static readonly Counter<long> Delivered = Meter.CreateCounter<long>(
        "trainswarm.node.updates.delivered", "{update}", "Updates the coordinator acknowledged");

    internal static void Trained(TimeSpan wall) => TrainingDuration.Record(wall.TotalSeconds);

    internal static void Uploaded(long bytes)
    {
        UploadedBytes.Add(bytes);
        Delivered.Add(1);
    }
}
