using System.Diagnostics;
using System.Globalization;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>What the validator got of the states its replays need: the bytes by id, and what each node withheld.</summary>
/// <param name="Withheld">(node, state) pairs a node did not supply within the job's window.</param>
/// <param name="RoundTripSeconds">From posting the requests to the last answer or the window's end (0 when nothing was requested).</param>
internal sealed record FetchedStates(Dictionary<string, byte[]> Blobs, HashSet<(string Node, string State)> Withheld, double RoundTripSeconds);

/// <summary>
/// Gets the training states the replays need: a state already in the blob store (the last one of every update, which
/// nodes upload with it, or any a node uploaded anyway) is downloaded; the rest are requested from their nodes through
/// the coordinator, and the validator waits until every request is answered or its window closed (the coordinator's
/// clock decides, so every validator of a quorum sees the same answers).
/// </summary>
/// <param name="answers">Wakes the wait for answers when a node answers (live events); null: the check interval alone.</param>
internal sealed class StateFetcher(SwarmClient client, ValidatorRetry retry, IValidatorObserver observer, Daemons.EventWakeup? answers = null)
{
    // How often the coordinator is asked whether the nodes answered, at most: each answer's event cuts the wait short.
    private static readonly TimeSpan AnswerPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Fetches <paramref name="needs"/> for <paramref name="round"/>: each (node, state, requestable), where requestable
    /// states are those the node must supply on demand (not its last, which it uploads with the update).
    /// </summary>
    /// <param name="download">Downloads a blob, null when the store has none.</param>
    public async Task<FetchedStates> FetchAsync(
        RoundView round, IReadOnlyList<(string Node, string State, bool Requestable)> needs, Func<string, CancellationToken, Task<byte[]?>> download,
        CancellationToken cancellation)
    {
        var blobs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var missing = new List<RequestedState>();
        foreach (var (node, state, requestable) in needs)
        {
            if (blobs.ContainsKey(state))
                continue;
            if (await download(state, cancellation) is { } bytes)
                blobs[state] = bytes;
            else if (requestable)
                missing.Add(new RequestedState(node, state));
        }
        var withheld = new HashSet<(string, string)>();
        if (missing.Count == 0)
            return new FetchedStates(blobs, withheld, 0);

        var clock = Stopwatch.StartNew();
        var batch = new StateRequestBatch(round.Attempt, missing);
        var views = await retry.RunAsync($"requesting {missing.Count} training states", c => client.RequestStatesAsync(round.Id, batch, c), cancellation);
        var wanted = missing.Select(m => (m.Node, m.State)).ToHashSet();
        while (views.Any(v => v.Status == StateRequestStatus.Pending && wanted.Contains((v.Node, v.State))))
        {
            if (answers is null)
                await Task.Delay(AnswerPoll, cancellation);
            else
                await answers.SleepAsync(AnswerPoll, cancellation);
            views = await retry.RunAsync("reading the state requests", c => client.StateRequestsAsync(round.Id, null, c), cancellation);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        foreach (var view in views.Where(v => wanted.Contains((v.Node, v.State))))
        {
            if (view.Status == StateRequestStatus.Answered && !blobs.ContainsKey(view.State) && await download(view.State, cancellation) is { } bytes)
                blobs[view.State] = bytes;
            else if (view.Status == StateRequestStatus.Withheld)
                withheld.Add((view.Node, view.State));
        }
        observer.Info(string.Create(CultureInfo.InvariantCulture,
            $"round {round.Id}: requested {missing.Count} training states from {missing.Select(m => m.Node).Distinct().Count()} nodes; "
            + $"{missing.Count - withheld.Count} answered, {withheld.Count} withheld, round trip {seconds:F2} s"));
        return new FetchedStates(blobs, withheld, seconds);
    }
}
