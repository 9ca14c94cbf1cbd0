using System.Diagnostics;
using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Protocol.Tracing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Telemetry;

/// <summary>A round attempt as a commit wrote it, beside what memory held before (null for a new attempt).</summary>
internal sealed record RoundWrite(RoundRecord? Before, RoundRecord After);

/// <summary>
/// Turns a committed change into telemetry: round, update and phase series, and one span per finished round phase (its real
/// start and end, from the round record's timestamps) in the round's trace (<see cref="RoundTrace"/>). Fed by the
/// <see cref="State.StateCommitter"/> after the transaction, so it counts what is stored, once, and never a refused request.
/// </summary>
public sealed class CommitTelemetry(CoordinatorMetrics metrics)
{
    internal void Committed(IReadOnlyList<RoundWrite> rounds, IReadOnlyList<(string? JobId, string? RoundId, Happening What)> events)
    {
        foreach (var (before, after) in rounds)
        {
            if (before is null)
                metrics.RoundOpened();
            if (after.Status == RoundStatus.Done && before?.Status != RoundStatus.Done)
                Closed(after);
        }
        foreach (var (_, _, what) in events)
        {
            if (what.Type == EventTypes.UpdateReceived)
                metrics.UpdateReceived();
            else if (what.Type == EventTypes.UpdateScored && what.Data is UpdateVerdict verdict)
                metrics.UpdateScored(verdict.Accepted);
        }
    }

    // A round attempt records when it opened, trained, validated and closed; a phase it skipped (a retry straight from
    // training) has no start, and its time counts in the phase before.
    private void Closed(RoundRecord round)
    {
        var retried = round.NewModel is null;
        metrics.RoundClosed(retried);
        var done = round.DoneAt ?? round.PhaseDeadline;
        List<(string Phase, DateTimeOffset Start)> phases = [("open", round.OpenedAt)];
        if (round.TrainingAt is { } training)
            phases.Add(("training", training));
        if (round.ValidatingAt is { } validating)
            phases.Add(("validating", validating));
        for (var i = 0; i < phases.Count; i++)
        {
            var end = i + 1 < phases.Count ? phases[i + 1].Start : done;
            metrics.PhaseEnded(phases[i].Phase, end - phases[i].Start);
            using var span = RoundTrace.Start(CoordinatorTracing.Source, "round " + phases[i].Phase, round.Id, round.JobId, round.Attempt,
                startTime: phases[i].Start);
            if (span is null)
                continue;
            span.SetTag("trainswarm.round.phase", phases[i].Phase);
            span.SetTag("trainswarm.round.participants", round.Participants.Count);
            if (i == phases.Count - 1)
                span.SetTag("trainswarm.round.outcome", retried ? "retried" : "done");
            span.SetEndTime(end.UtcDateTime);
        }
    }
}
