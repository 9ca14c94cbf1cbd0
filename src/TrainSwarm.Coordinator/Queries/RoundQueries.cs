using TrainSwarm.Coordination.Market;
using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Queries;

/// <summary>Rounds as the API lists them: current attempts with their expected reward, delivered updates, results, a node's assignments.</summary>
public sealed class RoundQueries(SwarmState state, StateCommitter committer)
{
    /// <summary>Rounds (current attempts), optionally filtered; open rounds only of running jobs.</summary>
    public Task<IReadOnlyList<RoundView>> RoundsAsync(RoundStatus? status, string? jobId, CancellationToken cancellation) =>
        committer.ReadAsync<IReadOnlyList<RoundView>>(() => state.CurrentRounds()
            .Where(r => (status is null || r.Status == status) && (jobId is null || r.JobId == jobId))
            .Where(r => r.Status == RoundStatus.Done || state.Jobs[r.JobId].Status == JobStatus.Running)
            .OrderBy(r => r.OpenedAt).Select(r => r.ToView(ExpectedReward(r))).ToList(), cancellation);

    /// <summary>A round's current attempt, or null.</summary>
    public Task<RoundView?> RoundAsync(string roundId, CancellationToken cancellation) =>
        committer.ReadAsync(() => state.CurrentRounds().FirstOrDefault(r => r.Id == roundId) is { } r ? r.ToView(ExpectedReward(r)) : null,
            cancellation);

    /// <summary>The updates delivered to a round's current attempt; null when there is no such round.</summary>
    public Task<IReadOnlyList<UpdateSubmission>?> UpdatesAsync(string roundId, CancellationToken cancellation) =>
        committer.ReadAsync<IReadOnlyList<UpdateSubmission>?>(() => state.CurrentRounds().FirstOrDefault(r => r.Id == roundId) is { } round
            ? round.Participants.Where(p => p.Status == ParticipantStatus.Submitted)
                .Select(p => state.Updates[Kinds.UpdateKey(round.Id, round.Attempt, p.Node)]).ToList()
            : null, cancellation);

    /// <summary>The signed result of a round's latest validated attempt, or null.</summary>
    public Task<RoundResultSubmission?> ResultAsync(string roundId, CancellationToken cancellation) =>
        committer.ReadAsync(() => state.Results.Values.Where(r => r.Result.RoundId == roundId).MaxBy(r => r.Result.Attempt), cancellation);

    /// <summary>The rounds a node joined and has not delivered yet (a restarted node resumes them).</summary>
    public Task<IReadOnlyList<Assignment>> AssignmentsAsync(string node, CancellationToken cancellation) =>
        committer.ReadAsync<IReadOnlyList<Assignment>>(() => state.CurrentRounds()
            .Where(r => r.Status is RoundStatus.Open or RoundStatus.Training && state.Jobs[r.JobId].Status == JobStatus.Running)
            .SelectMany(r => r.Participants.Where(p => p.Node == node && p.Status == ParticipantStatus.Joined)
                .Select(p => RecordViews.AssignmentOf(state.Jobs[r.JobId], r, p)))
            .ToList(), cancellation);

    /// <summary>What one node can expect from a round of a running job, given its terms and remaining budget.</summary>
    private long? ExpectedReward(RoundRecord round) =>
        round.Status == RoundStatus.Done || state.Escrows.GetValueOrDefault(round.JobId) is not { } escrow
            ? null
            : Settlement.ExpectedReward(escrow.Terms, round.MaxNodes, escrow.Reserved);
}
