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
}
