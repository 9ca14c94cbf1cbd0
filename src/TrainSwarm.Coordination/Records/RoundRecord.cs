using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordination.Records;

/// <summary>
/// One attempt of a round as stored and as the round machine works on it. A round that ends with too few updates is
/// retried: same index, next attempt, new seed. The API's <see cref="RoundView"/> adds what is computed when listed.
/// </summary>
/// <param name="PhaseDeadline">When the current phase ends (open: join window; training: upload deadline; validating: lease).</param>
/// <param name="Seats">
/// For a job with several validators: who holds a validation seat of this attempt and until when (null for one validator, so
/// rounds of such jobs store exactly as before).
/// </param>
/// <param name="Votes">For several validators: every result posted for this attempt, in the order it arrived (null for one validator).</param>
/// <param name="Agreed">The agreement key (<see cref="Rounds.Quorum.AgreementKey"/>) a quorum signed, once one did.</param>
public sealed record RoundRecord(
    string Id, string JobId, int Index, int Attempt, RoundStatus Status, ulong Seed, string BaseModel,
    string Dataset, string Model, int MinNodes, int MaxNodes, int InnerSteps, int BatchSize,
    DateTimeOffset OpenedAt, DateTimeOffset? TrainingAt, DateTimeOffset? ValidatingAt, DateTimeOffset? DoneAt,
    DateTimeOffset PhaseDeadline, string? NewModel, string? Validator, RoundMetrics? Metrics,
    IReadOnlyList<ParticipantRecord> Participants, IReadOnlyList<SeatRecord>? Seats = null, IReadOnlyList<VoteRecord>? Votes = null,
    string? Agreed = null);

/// <summary>A validator's seat on a round attempt with several validators: it may post one result while its lease holds.</summary>
public sealed record SeatRecord(string Validator, DateTimeOffset LeaseUntil);

/// <summary>
/// One validator's posted result for a round attempt: the agreement key of what it signed and, once the quorum is decided,
/// whether it agreed with it (null while undecided, and for every vote of an attempt that reached no quorum).
/// </summary>
/// <param name="Late">Posted after the quorum had already accepted the round: recorded (a late dissent is a dissent), but earns no fee.</param>
public sealed record VoteRecord(string Validator, string Agreement, DateTimeOffset PostedAt, bool? Agrees = null, bool? Late = null);

/// <summary>One node's part in a round attempt, as stored inside its <see cref="RoundRecord"/>.</summary>
public sealed record ParticipantRecord(
    string Node, int Slot, int Shard, ParticipantStatus Status, DateTimeOffset JoinedAt, string? UpdateBlob, DateTimeOffset? SubmittedAt);
