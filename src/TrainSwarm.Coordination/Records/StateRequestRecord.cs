namespace TrainSwarm.Coordination.Records;

/// <summary>A validator's request for one training state of one node's update in a round attempt, as stored.</summary>
/// <param name="Step">The step the node's receipt commits the state at.</param>
/// <param name="Deadline">The first request's time plus the job's state window; an answer after it is refused.</param>
/// <param name="AnsweredAt">When the node said it uploaded the state (the blob was in the store then), null while unanswered.</param>
public sealed record StateRequestRecord(
    string RoundId, int Attempt, string Node, string State, int Step, string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset Deadline,
    DateTimeOffset? AnsweredAt = null);
