using TrainSwarm.Coordination.Records;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Rounds;

/// <summary>
/// States on demand, as pure functions of (round, receipts, requests, now). A validator of a validating round asks for
/// states the delivered receipts commit to; the first request of a state fixes its deadline (now + the job's window),
/// later requests of it (another validator of a quorum picks the same segments) change nothing. The node answers once
/// the state is in the blob store; an answer after the deadline is refused, so once a request is withheld it stays
/// withheld, and every validator that looks after the deadline sees the same verdict.
/// </summary>
public static class StateRequests
{
    /// <summary>The request records <paramref name="batch"/> adds; refused unless <paramref name="validator"/> validates the attempt now.</summary>
    /// <param name="receipts">The delivered receipts of the attempt, by node.</param>
    /// <param name="existing">The attempt's requests so far, by (node, state).</param>
    public static Result<IReadOnlyList<StateRequestRecord>> Request(
        RoundRecord round, JobSpec spec, string validator, StateRequestBatch batch, IReadOnlyDictionary<string, TrainingReceipt> receipts,
        IReadOnlyDictionary<(string Node, string State), StateRequestRecord> existing, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.States is null || batch.States.Count == 0)
            return Refusal.Invalid("states must list at least one {node, state}");
        if (batch.States.Count > 10_000)
            return Refusal.Invalid("at most 10000 states per request");
        if (round.Status != RoundStatus.Validating || batch.Attempt != round.Attempt)
            return Refusal.Conflict($"round {round.Id} attempt {batch.Attempt} is not validating (the round is at attempt {round.Attempt}, "
                                    + $"{round.Status.ToString().ToLowerInvariant()})");
        var holds = spec.ValidatorCount > 1
            ? round.Seats?.Any(s => s.Validator == validator && s.LeaseUntil > now) == true
            : round.Validator == validator && now < round.PhaseDeadline;
        if (!holds)
            return Refusal.Forbidden($"validator {validator} does not hold round {round.Id} attempt {round.Attempt}; take it first");
        var added = new List<StateRequestRecord>();
        var seen = new HashSet<(string, string)>();
        foreach (var wanted in batch.States)
        {
            if (wanted?.Node is null || wanted.State is null)
                return Refusal.Invalid("every requested state needs a node and a state");
            if (!receipts.TryGetValue(wanted.Node, out var receipt))
                return Refusal.Invalid($"node {wanted.Node} delivered no update to round {round.Id} attempt {round.Attempt}");
            var commitment = receipt.Commitments.FirstOrDefault(c => c.State == wanted.State);
            if (commitment is null)
                return Refusal.Invalid($"node {wanted.Node}'s receipt commits to no state {wanted.State}");
            if (existing.ContainsKey((wanted.Node, wanted.State)) || !seen.Add((wanted.Node, wanted.State)))
                continue;
            added.Add(new StateRequestRecord(round.Id, round.Attempt, wanted.Node, wanted.State, commitment.Step, validator, now,
                now.AddSeconds(spec.StateWindow)));
        }
        return added;
    }

    /// <summary>The request records <paramref name="answer"/> marks answered; refused for a state not requested or answered too late.</summary>
    /// <param name="stored">Whether the blob store holds a blob (the node must upload before it answers).</param>
    public static Result<IReadOnlyList<StateRequestRecord>> Answer(
        RoundRecord round, string node, StateAnswer answer, IReadOnlyDictionary<(string Node, string State), StateRequestRecord> existing,
        Func<string, bool> stored, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(round);
        ArgumentNullException.ThrowIfNull(answer);
        ArgumentNullException.ThrowIfNull(stored);
        if (answer.States is null || answer.States.Count == 0)
            return Refusal.Invalid("states must list at least one state id");
        if (answer.Attempt != round.Attempt)
            return Refusal.Conflict($"round {round.Id} is at attempt {round.Attempt}; attempt {answer.Attempt} is over");
        var answered = new List<StateRequestRecord>();
        foreach (var state in answer.States.Distinct(StringComparer.Ordinal))
        {
            if (!existing.TryGetValue((node, state), out var request))
                return Refusal.NotFound($"no validator requested state {state} of node {node} in round {round.Id} attempt {round.Attempt}");
            if (request.AnsweredAt is not null)
                continue; // a retried answer
            if (now >= request.Deadline)
                return Refusal.Conflict($"the window for state {state} closed at {request.Deadline:u}; the state counts as withheld");
            if (!stored(state))
                return Refusal.Invalid($"state {state} is not in the blob store; upload it first (PUT {Routes.Blobs}/{state})");
            answered.Add(request with { AnsweredAt = now });
        }
        return answered;
    }

    /// <summary>Where <paramref name="request"/> stands at <paramref name="now"/>.</summary>
    public static StateRequestStatus Status(StateRequestRecord request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.AnsweredAt is not null ? StateRequestStatus.Answered
            : now >= request.Deadline ? StateRequestStatus.Withheld
            : StateRequestStatus.Pending;
    }

    /// <summary>The request as the API lists it.</summary>
    public static StateRequestView View(StateRequestRecord r, DateTimeOffset now) =>
        new(r.RoundId, r.Attempt, r.Node, r.State, r.Step, r.RequestedBy, r.RequestedAt, r.Deadline, r.AnsweredAt, Status(r, now));
}
