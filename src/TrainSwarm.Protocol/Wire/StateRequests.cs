namespace TrainSwarm.Protocol.Wire;

/// <summary>
/// A validator asks, through the coordinator, for training states an update's receipt commits to (the starts of the
/// segments it picked to replay). Nodes keep their states and upload only what is asked, so the picks stay unknown to
/// them until the secret is revealed and a node uploads a few states instead of all of them.
/// </summary>
/// <param name="Attempt">The round attempt the states belong to.</param>
public sealed record StateRequestBatch(int Attempt, IReadOnlyList<RequestedState> States);

/// <summary>One requested state: a node and the blob id (SHA-256 of the state's bytes) its receipt commits to.</summary>
public sealed record RequestedState(string Node, string State);

/// <summary>A node says it uploaded requested states (already in the blob store under their ids).</summary>
public sealed record StateAnswer(int Attempt, IReadOnlyList<string> States);

/// <summary>Where a state request stands.</summary>
public enum StateRequestStatus
{
    /// <summary>Asked, not answered, the window still open.</summary>
    Pending,

    /// <summary>The node uploaded the state within the window.</summary>
    Answered,

    /// <summary>The window closed without the state: the update counts as fraud.</summary>
    Withheld,
}

/// <summary>One state request as the coordinator records it; <see cref="Status"/> is computed by its clock when listed.</summary>
/// <param name="Step">The step the receipt commits the state at.</param>
/// <param name="RequestedBy">The validator that asked first (a quorum's validators pick, and so ask, alike).</param>
/// <param name="Deadline">The node must answer before this: the first request's time plus the job's state window.</param>
public sealed record StateRequestView(
    string RoundId, int Attempt, string Node, string State, int Step, string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset Deadline,
    DateTimeOffset? AnsweredAt, StateRequestStatus Status);
