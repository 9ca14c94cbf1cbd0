using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Queries;

/// <summary>Jobs, their rounds and quotes as the API lists them.</summary>
public sealed class JobQueries(SwarmState state, StateCommitter committer)
{
    /// <summary>All jobs, newest first.</summary>
    public Task<IReadOnlyList<JobView>> JobsAsync(CancellationToken cancellation) =>
        committer.ReadAsync<IReadOnlyList<JobView>>(() => state.Jobs.Values.OrderByDescending(j => j.CreatedAt).Select(j => j.ToView()).ToList(),
            cancellation);

    /// <summary>One job, or null.</summary>
    public Task<JobView?> JobAsync(string id, CancellationToken cancellation) =>
        committer.ReadAsync(() => state.Jobs.GetValueOrDefault(id)?.ToView(), cancellation);

    /// <summary>Every attempt of every round of a job, oldest first; null when the job does not exist.</summary>
    public Task<IReadOnlyList<RoundView>?> JobRoundsAsync(string id, CancellationToken cancellation) =>
        committer.ReadAsync<IReadOnlyList<RoundView>?>(() => state.Jobs.ContainsKey(id)
            ? state.Rounds.Values.Where(r => r.JobId == id).OrderBy(r => r.Index).ThenBy(r => r.Attempt).Select(r => r.ToView()).ToList()
            : null, cancellation);

    /// <summary>One quote, or null.</summary>
    public Task<Quote?> QuoteAsync(string id, CancellationToken cancellation) =>
        committer.ReadAsync(() => state.Quotes.GetValueOrDefault(id), cancellation);
}
