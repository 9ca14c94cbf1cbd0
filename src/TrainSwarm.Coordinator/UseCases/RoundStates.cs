using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Blobs;

namespace TrainSwarm.Coordinator.UseCases;

/// <summary>
/// States on demand through the coordinator (<see cref="StateRequests"/> decides): a validator requests the training
/// states its picks need, the node sees them while it polls and answers by uploading them, and anyone can list where
/// each request stands. The coordinator's clock fixes every deadline, so all validators of a quorum judge alike.
/// </summary>
public sealed class RoundStates(SwarmState state, StateCommitter committer, Permissions permissions, BlobStore blobs)
{
    /// <summary>Records <paramref name="validator"/>'s requests; returns every request of the attempt.</summary>
    public Task<IReadOnlyList<StateRequestView>> RequestAsync(string validator, string roundId, StateRequestBatch batch, CancellationToken cancellation)
    {
        permissions.RequireValidator(validator);
        if (batch is null)
            throw Refuse.Invalid("a body {attempt, states: [{node, state}]} is required");
        return committer.MutateAsync(changes =>
        {
            var (job, round) = state.RunningRound(roundId);
            var receipts = round.Participants.Where(p => p.Status == ParticipantStatus.Submitted)
                .Select(p => state.Updates[Kinds.UpdateKey(roundId, round.Attempt, p.Node)].Receipt).ToDictionary(r => r.Node, StringComparer.Ordinal);
            var existing = state.StateRequestsOf(roundId, round.Attempt);
            var added = Refuse.Unless(StateRequests.Request(round, job.Spec, validator, batch, receipts, existing, state.Now));
            foreach (var request in added)
            {
                state.PutStateRequest(changes, request);
                existing[(request.Node, request.State)] = request;
            }
            // Wakes the nodes, which would otherwise see the requests at their next poll (up to a poll interval on the round's critical path).
            if (added.Count > 0)
                changes.Event(job.Id, roundId, new Happening(EventTypes.StatesRequested, null,
                    $"round {round.Index}: {added.Count} training states requested from {added.Select(r => r.Node).Distinct().Count()} nodes"));
            return List(existing.Values, null);
        }, cancellation);
    }

    /// <summary>Marks <paramref name="node"/>'s uploaded states answered; returns the node's requests of the attempt.</summary>
    public Task<IReadOnlyList<StateRequestView>> AnswerAsync(string node, string roundId, StateAnswer answer, CancellationToken cancellation)
    {
        if (answer is null)
            throw Refuse.Invalid("a body {attempt, states: [ids]} is required");
        return committer.MutateAsync(changes =>
        {
            var (job, round) = state.RunningRound(roundId);
            var existing = state.StateRequestsOf(roundId, round.Attempt);
            var answered = Refuse.Unless(StateRequests.Answer(round, node, answer, existing, blobs.Exists, state.Now));
            foreach (var request in answered)
            {
                state.PutStateRequest(changes, request);
                existing[(request.Node, request.State)] = request;
            }
            // Wakes the validator waiting for the answers, which would otherwise look at its next check.
            if (answered.Count > 0)
                changes.Event(job.Id, roundId,
                    new Happening(EventTypes.StatesAnswered, node, $"round {round.Index}: {answered.Count} training states answered"));
            state.MarkSeen(changes, node);
            return List(existing.Values, node);
        }, cancellation);
    }

    /// <summary>The requests of a round's current attempt (of one node when <paramref name="node"/> is set), oldest first.</summary>
    public Task<IReadOnlyList<StateRequestView>> ListAsync(string roundId, string? node, CancellationToken cancellation) =>
        committer.ReadAsync(() =>
        {
            var round = state.CurrentRounds().FirstOrDefault(r => r.Id == roundId) ?? throw Refuse.NotFound($"no round {roundId}");
            return List(state.StateRequestsOf(roundId, round.Attempt).Values, node);
        }, cancellation);

    private IReadOnlyList<StateRequestView> List(IEnumerable<Coordination.Records.StateRequestRecord> requests, string? node) =>
        requests.Where(r => node is null || r.Node == node).OrderBy(r => r.RequestedAt).ThenBy(r => r.Node, StringComparer.Ordinal)
            .ThenBy(r => r.Step).Select(r => StateRequests.View(r, state.Now)).ToList();
}
