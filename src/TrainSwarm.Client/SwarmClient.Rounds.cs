using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Client;

/// <summary>Reading what a round received and how it was judged.</summary>
public sealed partial class SwarmClient
{
    /// <summary>The updates delivered to a round's current attempt, each with its signed receipt.</summary>
    public Task<IReadOnlyList<UpdateSubmission>> RoundUpdatesAsync(string roundId, CancellationToken cancellation = default) =>
        GetAsync<IReadOnlyList<UpdateSubmission>>(Routes.RoundUpdates(roundId), cancellation);

    /// <summary>The validator's signed result of a done round (404 while it has none).</summary>
    public Task<RoundResultSubmission> RoundResultAsync(string roundId, CancellationToken cancellation = default) =>
        GetAsync<RoundResultSubmission>(Routes.RoundResult(roundId), cancellation);

    /// <summary>The state requests of a round's current attempt (of one node when <paramref name="node"/> is set).</summary>
    public Task<IReadOnlyList<StateRequestView>> StateRequestsAsync(string roundId, string? node = null, CancellationToken cancellation = default) =>
        GetAsync<IReadOnlyList<StateRequestView>>(Routes.RoundStateRequests(roundId) + (node is null ? "" : "?node=" + Uri.EscapeDataString(node)),
            cancellation);

    /// <summary>Requests training states for replay (validators holding the round); returns every request of the attempt.</summary>
    public Task<IReadOnlyList<StateRequestView>> RequestStatesAsync(string roundId, StateRequestBatch batch, CancellationToken cancellation = default) =>
        SendSignedAsync<IReadOnlyList<StateRequestView>>(HttpMethod.Post, Routes.RoundStateRequests(roundId), batch, cancellation);

    /// <summary>Answers state requests whose states this node uploaded; returns the node's requests of the attempt.</summary>
    public Task<IReadOnlyList<StateRequestView>> AnswerStatesAsync(string roundId, StateAnswer answer, CancellationToken cancellation = default) =>
        SendSignedAsync<IReadOnlyList<StateRequestView>>(HttpMethod.Post, Routes.RoundStateAnswers(roundId), answer, cancellation);
}
