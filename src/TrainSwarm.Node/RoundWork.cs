using System.Collections.Concurrent;
using System.Net;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>
/// Training held rounds: each in its own background task through the <see cref="AssignmentTrainer"/>, which trains
/// and uploads; a delivered round's payout is then handed to the <see cref="PayoutWatcher"/>.
/// </summary>
internal sealed class RoundWork(AssignmentTrainer trainer, PayoutWatcher payouts, INodeObserver observer)
{
    // Rounds training now, and rounds this process is done with (delivered, refused or given up), by round and attempt.
    // The second set keeps a round that was just delivered from being started again if a listing still shows it.
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _finished = new(StringComparer.Ordinal);

    /// <summary>The number of rounds training right now.</summary>
    public int Running => _running.Count;

    /// <summary>True when the round attempt <paramref name="key"/> is training now or this process is done with it.</summary>
    public bool Knows(string key) => _running.ContainsKey(key) || _finished.ContainsKey(key);

    /// <summary>Marks a round attempt as done with, without training it here (a round delivered by hand).</summary>
    public void Finish(string key) => _finished[key] = true;

    /// <summary>Completes when every training task has ended (they watch the token given to <see cref="Start"/>).</summary>
    public Task WhenAllAsync() => Task.WhenAll(_running.Values);

    /// <summary>Trains <paramref name="assignment"/> in the background until done or <paramref name="stopping"/> fires.</summary>
    public void Start(SwarmClient client, ActorKey key, Assignment assignment, bool resumed, CancellationToken stopping)
    {
        // The entry goes in before the task starts, so a task that ends at once cannot leave a stale entry behind.
        var id = RoundAttempt.Key(assignment.RoundId, assignment.Attempt);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _running[id] = done.Task;
        observer.Joined(assignment, resumed);
        _ = Task.Run(async () =>
        {
            try
            {
                await WorkAsync(client, key, assignment, stopping).ConfigureAwait(false);
            }
            finally
            {
                _finished[id] = true;
                _running.TryRemove(id, out _);
                done.SetResult();
            }
        });
    }

    // One held round, start to finish (then the payout).
    private async Task WorkAsync(SwarmClient client, ActorKey key, Assignment assignment, CancellationToken cancellation)
    {
        var roundId = assignment.RoundId;
        try
        {
            await trainer.RunAsync(client, key, assignment, cancellation).ConfigureAwait(false);
            // The pay comes after validation: waited for beside the next round's training, not in this slot.
            payouts.Watch(client, assignment, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // Stopping. Nothing was half-written: blobs are content-addressed and a submission is all or nothing,
            // and the coordinator still lists the assignment, so the next start resumes it.
        }
        catch (UntrainableAssignmentException e)
        {
            observer.Skipped(roundId, e.Message);
        }
        catch (SwarmApiException e) when ((int)e.Status is >= 400 and < 500)
        {
            // The coordinator's final word (e.g. 409: the round no longer takes updates): retrying cannot help.
            observer.Skipped(roundId, e.Status == HttpStatusCode.Conflict ? $"the round moved on: {e.Message}" : $"refused: {e.Message}");
        }
        catch (Exception e)
        {
            // A failed round must not take the daemon down: it is reported and the node goes on.
            observer.Error(roundId, $"round given up: {e.Message}");
        }
    }
}
