using Microsoft.Extensions.Logging;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Storage.Blobs;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>
/// Removes the blobs of deleted datasets that nothing else references (another dataset cut from the same bytes, a job's model).
/// It runs under the state gate, after the delete is committed, so a dataset being created, whose blobs are stored before its
/// manifest commits, re-stores any blob this removed (see <see cref="CreateDataset"/>). It also runs at start-up, to finish a
/// collection a crash interrupted.
/// </summary>
public sealed class CollectDatasetBlobs(SwarmState state, StateCommitter committer, BlobStore blobs, ILogger<CollectDatasetBlobs> log)
{
    /// <summary>Deletes every unreferenced blob of a deleted dataset; returns how many blobs and bytes it freed.</summary>
    public Task<(int Blobs, long Bytes)> CollectAsync(CancellationToken cancellation) =>
        committer.ReadAsync(() =>
        {
            var used = BlobReferences.InUse(state);
            var candidates = state.Datasets.Values.Where(d => d.DeletedAt is not null)
                .SelectMany(d => d.Manifest.Shards.Select(s => s.Blob).Prepend(d.Manifest.Holdout.Blob))
                .Where(b => !used.Contains(b)).Distinct(StringComparer.Ordinal).ToList();
            int freed = 0;
            long bytes = 0;
            foreach (var blob in candidates)
            {
                var size = blobs.SizeOf(blob);
                if (size is not null && blobs.Delete(blob))
                {
                    freed++;
                    bytes += size.Value;
                }
            }
            if (freed > 0)
                log.LogInformation("freed {Blobs} blobs ({Bytes} bytes) of deleted datasets", freed, bytes);
            return (freed, bytes);
        }, cancellation);
}
