using System.Net;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>One held round, start to finish, by the <see cref="AssignmentTrainer"/> (then the payout, see NodeDaemon.Payouts.cs).</summary>
public sealed partial class NodeDaemon
{
    private async Task WorkAsync(SwarmClient client, ActorKey key, Assignment assignment, CancellationToken cancellation)
    {
        var roundId = assignment.RoundId;
        try
        {
            await _trainer.RunAsync(client, key, assignment, cancellation).ConfigureAwait(false);
            // The pay comes after validation: waited for beside the next round's training, not in this slot.
            WatchPayout(client, assignment);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Stopping. Nothing was half-written: blobs are content-addressed and a submission is all or nothing,
            // and the coordinator still lists the assignment, so the next start resumes it.
        }
        catch (UntrainableAssignmentException e)
        {
            _observer.Skipped(roundId, e.Message);
        }
        catch (SwarmApiException e) when ((int)e.Status is >= 400 and < 500)
        {
            // The coordinator's final word (e.g. 409: the round no longer takes updates): retrying cannot help.
            _observer.Skipped(roundId, e.Status == HttpStatusCode.Conflict ? $"the round moved on: {e.Message}" : $"refused: {e.Message}");
        }
        catch (Exception e)
        {
            // A failed round must not take the daemon down: it is reported and the node goes on.
            _observer.Error(roundId, $"round given up: {e.Message}");
        }
    }
}
