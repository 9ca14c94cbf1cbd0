using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace TrainSwarm.Protocol.Tracing;

/// <summary>
/// The trace a round's spans belong to, in every process. The coordinator, the nodes and the validators never exchange a
/// trace id for a round: each derives the same W3C trace id (and a parent span id) from the round id, so the phase spans
/// of the coordinator, each node's training and each validator's scoring land in one trace without a schema change, and
/// still do after any process restarts. The HTTP calls made inside those spans carry <c>traceparent</c> as usual, so the
/// coordinator's request spans hang under the caller's span. The parent span itself is never exported: trace viewers
/// show the round's spans as the roots of that trace.
/// </summary>
public static class RoundTrace
{
    /// <summary>The attribute naming the round on every round span.</summary>
    public const string RoundIdTag = "trainswarm.round.id";

    /// <summary>The attribute naming the job on every round span.</summary>
    public const string JobIdTag = "trainswarm.job.id";

    /// <summary>The attribute giving the round attempt.</summary>
    public const string AttemptTag = "trainswarm.round.attempt";

    /// <summary>The attribute naming a node.</summary>
    public const string NodeTag = "trainswarm.node";

    /// <summary>The parent context of every span about <paramref name="roundId"/>: SHA-256 of the id, bytes 0-15 the trace, 16-23 the span.</summary>
    public static ActivityContext ParentOf(string roundId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("trainswarm round " + roundId));
        return new ActivityContext(ActivityTraceId.CreateFromBytes(hash.AsSpan(0, 16)), ActivitySpanId.CreateFromBytes(hash.AsSpan(16, 8)),
            ActivityTraceFlags.Recorded, isRemote: true);
    }

    /// <summary>
    /// The round's trace id as 32 lowercase hex digits. Every log line about the round carries it (coordinator, nodes,
    /// validators), telemetry on or off, so one search finds the round in every process's log and in a trace viewer.
    /// </summary>
    public static string TraceIdOf(string roundId) => ParentOf(roundId).TraceId.ToHexString();

    /// <summary>Starts a span about a round on <paramref name="source"/> (null when nobody listens), tagged with the round and job.</summary>
    public static Activity? Start(ActivitySource source, string name, string roundId, string jobId, int attempt,
        ActivityKind kind = ActivityKind.Internal, DateTimeOffset startTime = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        // Nobody listening (telemetry off): no span, and no hash of the round id either.
        if (!source.HasListeners())
            return null;
        var activity = source.StartActivity(name, kind, ParentOf(roundId), startTime: startTime);
        activity?.SetTag(RoundIdTag, roundId);
        activity?.SetTag(JobIdTag, jobId);
        activity?.SetTag(AttemptTag, attempt);
        return activity;
    }
}
