using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>
/// The owner deletes an uploaded dataset: refused while a running job trains on it. Its record is marked deleted (jobs that
/// named it still show what they trained on), then its holdout and shard blobs are removed unless something else still
/// references them (content addressing lets two datasets share a blob).
/// </summary>
public sealed class DeleteDataset(SwarmState state, StateCommitter committer, CollectDatasetBlobs collector)
{
    /// <summary>Marks dataset <paramref name="id"/> deleted, frees its unreferenced blobs, and returns its record.</summary>
    public async Task<DatasetRecord> DeleteAsync(string actor, string id, CancellationToken cancellation)
    {
        var deleted = await MarkDeletedAsync(actor, id, cancellation);
        await collector.CollectAsync(cancellation);
        return deleted;
    }

    private Task<DatasetRecord> MarkDeletedAsync(string actor, string id, CancellationToken cancellation) =>
        committer.MutateAsync(changes =>
        {
            var record = state.Datasets.GetValueOrDefault(id);
            if (record is null || record.DeletedAt is not null)
                throw Refuse.NotFound($"no dataset {id}");
            if (record.Manifest.Owner != actor)
                throw Refuse.Forbidden($"dataset {id} belongs to {record.Manifest.Owner}; only its owner may delete it");
            var running = state.Jobs.Values.Where(j => j.Status == JobStatus.Running && j.Spec.UploadedDataset == id).Select(j => j.Id).Order().ToList();
            if (running.Count > 0)
                throw Refuse.Conflict($"dataset {id} is in use by running job {string.Join(", ", running)}; delete it once they end");
            var deleted = record with { DeletedAt = state.Now };
            state.PutDataset(changes, deleted);
            changes.Event(null, null, new Happening(EventTypes.DatasetDeleted, null, $"dataset {id} ({record.Manifest.Name}) deleted by its owner"));
            return deleted;
        }, cancellation);
}
