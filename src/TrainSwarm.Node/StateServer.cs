using System.Net;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>
/// Answers validators' requests for this node's training states: on every poll, for each round attempt whose states
/// the <see cref="CheckpointStore"/> holds, it uploads the requested states and tells the coordinator, and it deletes
/// the states once the attempt is over (done, retried, or unknown to the coordinator). It works from the disk alone,
/// so a restarted node answers for rounds delivered before the restart.
/// </summary>
internal sealed class StateServer(CheckpointStore store, INodeObserver observer)
{
    /// <summary>One pass over the stored round attempts; network failures go to the caller's retry, refusals to the observer.</summary>
    public async Task ServeAsync(SwarmClient client, CancellationToken cancellation)
    {
        foreach (var (roundId, attempt) in store.Rounds())
        {
            RoundView round;
            try
            {
                round = await client.RoundAsync(roundId, cancellation).ConfigureAwait(false);
            }
            catch (SwarmApiException e) when (e.Status == HttpStatusCode.NotFound)
            {
                store.Forget(roundId, attempt);
                continue;
            }
            if (round.Attempt != attempt || round.Status == RoundStatus.Done)
            {
                // Settled (or this attempt was retried): no validator can ask for these states any more.
                store.Forget(roundId, attempt);
                continue;
            }
            if (round.Status == RoundStatus.Validating)
                await AnswerAsync(client, roundId, attempt, cancellation).ConfigureAwait(false);
        }
    }

    private async Task AnswerAsync(SwarmClient client, string roundId, int attempt, CancellationToken cancellation)
    {
        var requests = await client.StateRequestsAsync(roundId, client.Address, cancellation).ConfigureAwait(false);
        var pending = requests.Where(r => r.Attempt == attempt && r.Status == StateRequestStatus.Pending).Select(r => r.State)
            .Distinct(StringComparer.Ordinal).ToList();
        if (pending.Count == 0)
            return;
        var sent = new List<string>();
        long bytes = 0;
        foreach (var id in pending)
        {
            if (store.Load(roundId, attempt, id) is not { } state)
            {
                observer.Error(roundId, $"a validator asked for state {id}, which this node does not hold");
                continue;
            }
            await client.PutBlobAsync(state, cancellation).ConfigureAwait(false);
            sent.Add(id);
            bytes += state.Length;
        }
        if (sent.Count == 0)
            return;
        try
        {
            await client.AnswerStatesAsync(roundId, new StateAnswer(attempt, sent), cancellation).ConfigureAwait(false);
            observer.Info(roundId, $"uploaded {sent.Count} training state(s) a validator requested ({bytes} bytes)");
        }
        catch (SwarmApiException e) when ((int)e.Status is >= 400 and < 500)
        {
            observer.Error(roundId, $"answering the state requests was refused: {e.Message}");
        }
    }
}
