using TrainSwarm.Coordination.Records;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>
/// The owner deletes an uploaded dataset: refused while a running job trains on it. Its record is marked deleted (jobs that
/// named it still show what they trained on); its blobs stay, being content-addressed and possibly shared.
/// </summary>
public sealed class DeleteDataset(SwarmState state, StateCommitter committer)
{
    /// <summary>Marks dataset <paramref name="id"/> deleted and returns its record.</summary>
    public Task<DatasetRecord> DeleteAsync(string actor, string id, CancellationToken cancellation) =>
        committer.MutateAsync(changes =>
        {
            var record = state.Datasets.GetValueOrDefault(id);
            if (record is null || record.DeletedAt is not null)
                throw Refuse.NotFound($"no dataset {id}");
            if (record.Manifest.Owner != actor)
                throw Refuse.Forbidden($"dataset {id} belongs to {record.Manifest.Owner}; only its owner may delete it");
            var running = state.Jobs.Values.Where(j => j.Status == JobStatus.Running && j.Spec.Dataset == id).Select(j => j.Id).Order().ToList();
            if (running.Count > 0)
                throw Refuse.Conflict($"dataset {id} is in use by running job {string.Join(", ", running)}; delete it once they end");
            var deleted = record with { DeletedAt = state.Now };
            state.PutDataset(changes, deleted);
            changes.Event(null, null, new Happening(EventTypes.DatasetDeleted, null, $"dataset {id} ({record.Manifest.Name}) deleted by its owner"));
            return deleted;
        }, cancellation);
}
