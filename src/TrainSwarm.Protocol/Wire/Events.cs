using System.Text.Json;

namespace TrainSwarm.Protocol.Wire;

/// <summary>Event type names as sent on the SSE stream.</summary>
public static class EventTypes
{
    public const string JobSubmitted = "job-submitted";
    public const string RoundStarted = "round-started";
    public const string NodeJoined = "node-joined";
    public const string TrainingStarted = "training-started";
    public const string UpdateReceived = "update-received";
    public const string NodeDropped = "node-dropped";
    public const string NodeSlashed = "node-slashed";
    public const string ValidationStarted = "validation-started";
    /// <summary>A validator asked nodes for training states to replay (nodes wake on it and answer at once).</summary>
    public const string StatesRequested = "states-requested";
    /// <summary>A node answered state requests (the validator waiting for them wakes on it).</summary>
    public const string StatesAnswered = "states-answered";
    public const string UpdateScored = "update-scored";
    public const string ResultPosted = "result-posted";
    public const string ValidatorDissented = "validator-dissented";
    public const string RoundRetried = "round-retried";
    public const string RoundDone = "round-done";
    public const string JobDone = "job-done";
    public const string RoundSettled = "round-settled";
    public const string JobSettled = "job-settled";
    public const string DatasetCreated = "dataset-created";
    public const string DatasetDeleted = "dataset-deleted";
}

/// <summary>One thing that happened, in commit order. <see cref="Sequence"/> is the SSE event id (resume with Last-Event-ID).</summary>
public sealed record SwarmEvent(long Sequence, string Type, DateTimeOffset Time, string? JobId, string? RoundId, string? Node, string Message,
    JsonElement? Data);

/// <summary>
/// One page of the stored event log, oldest first. <see cref="Next"/> is the cursor for the following page (pass it as <c>after</c>): the
/// last sequence of a full page, null when this page was not full (nothing further was stored when it was read).
/// </summary>
/// <remarks>
/// The same shape serves <c>/events/latest</c>, newest first: there <see cref="Next"/> is the cursor for the older page (pass it as
/// <c>before</c>): the oldest sequence of a full page, null when this page was not full (it reached the first event).
/// </remarks>
public sealed record EventPage(IReadOnlyList<SwarmEvent> Events, long? Next);
