using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Queries;

/// <summary>Uploaded datasets as the API shows them: the manifest, its status and the jobs that name it.</summary>
public sealed class DatasetQueries(SwarmState state, StateCommitter committer)
{
    /// <summary>Every dataset not deleted, of <paramref name="owner"/> when given, newest first.</summary>
    public Task<List<DatasetView>> ListAsync(string? owner, CancellationToken cancellation) =>
        committer.ReadAsync(() => state.Datasets.Values
            .Where(d => d.DeletedAt is null && (owner is null || d.Manifest.Owner == owner))
            .OrderByDescending(d => d.Manifest.CreatedAt).ThenBy(d => d.Manifest.Id, StringComparer.Ordinal)
            .Select(View).ToList(), cancellation);

    /// <summary>One dataset, deleted ones included, or null.</summary>
    public Task<DatasetView?> GetAsync(string id, CancellationToken cancellation) =>
        committer.ReadAsync(() => state.Datasets.GetValueOrDefault(id) is { } d ? View(d) : null, cancellation);

    /// <summary>The manifest of a dataset that is not deleted, or null: what a job spec may name.</summary>
    internal DatasetManifest? Usable(string? id) =>
        DatasetIds.IsValid(id) && state.Datasets.GetValueOrDefault(id!) is { DeletedAt: null } d ? d.Manifest : null;

    private DatasetView View(DatasetRecord d) => new(d.Manifest, d.DeletedAt is null ? "ready" : "deleted",
        state.Jobs.Values.Where(j => j.Spec.UploadedDataset == d.Manifest.Id).Select(j => j.Id).Order(StringComparer.Ordinal).ToList());
}
