using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Records;

/// <summary>
/// One attempt of a round as stored and as the round machine works on it. A round that ends with too few updates is
/// retried: same index, next attempt, new seed. The API's <see cref="RoundView"/> adds what is computed when listed.
/// </summary>
/// <param name="PhaseDeadline">When the current phase ends (open: join window; training: upload deadline; validating: lease).</param>
public sealed record RoundRecord(
    string Id, string JobId, int Index, int Attempt, RoundStatus Status, ulong Seed, string BaseModel,
    string Dataset, string Model, int MinNodes, int MaxNodes, int InnerSteps, int BatchSize,
    DateTimeOffset OpenedAt, DateTimeOffset? TrainingAt, DateTimeOffset? ValidatingAt, DateTimeOffset? DoneAt,
    DateTimeOffset PhaseDeadline, string? NewModel, string? Validator, RoundMetrics? Metrics,
    IReadOnlyList<ParticipantRecord> Participants);

/// <summary>One node's part in a round attempt, as stored inside its <see cref="RoundRecord"/>.</summary>
public sealed record ParticipantRecord(
    string Node, int Slot, int Shard, ParticipantStatus Status, DateTimeOffset JoinedAt, string? UpdateBlob, DateTimeOffset? SubmittedAt);
