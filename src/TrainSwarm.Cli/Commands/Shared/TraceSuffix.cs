using TrainSwarm.Protocol.Tracing;

namespace TrainSwarm.Cli.Commands;

/// <summary>
/// The end of a daemon's console line about a round: two spaces and <c>trace=</c> the round's trace id, the same id the
/// coordinator's log lines and every process's spans of that round carry. Lines about no round end with nothing.
/// </summary>
internal static class TraceSuffix
{
    /// <summary>"  trace=…" for a round, "" for none.</summary>
    public static string Of(string? roundId) => roundId is null ? "" : "  trace=" + RoundTrace.TraceIdOf(roundId);
}
