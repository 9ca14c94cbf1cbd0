namespace TrainSwarm.Protocol.Wire;

/// <summary>Where a job is in its life.</summary>
public enum JobStatus { Running, Completed, Cancelled, Failed, Expired }

/// <summary>A job as everyone sees it.</summary>
/// <param name="ModelBlob">The current global model (the final one once the job ended).</param>
/// <param name="CurrentRound">Index of the round in progress (or the last one).</param>
/// <param name="StatusReason">Why the job ended (rounds done, target reached, cancelled, …).</param>
/// <param name="Billing">Budget, spending and refund (null for a job that has no billing).</param>
public sealed record JobView(
    string Id, string Creator, JobSpec Spec, JobStatus Status, string? StatusReason,
    int CurrentRound, int RoundsDone, string InitialModelBlob, string ModelBlob, string? StrategyStateBlob,
    DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, RoundMetrics? LastMetrics, JobBilling? Billing = null);

/// <summary>Where a round is: open (nodes join) → training → validating → done.</summary>
public enum RoundStatus { Open, Training, Validating, Done }

/// <summary>Holdout (and test) figures of a round's base and new global models.</summary>
/// <param name="BaseMeanReturn">For an rl job: the base policy's mean evaluation return (the loss and accuracy fields are 0 then).</param>
/// <param name="MeanReturn">For an rl job: the new global policy's mean return over <paramref name="EvalEpisodes"/> evaluation episodes.</param>
public sealed record RoundMetrics(
    double BaseHoldoutLoss, double BaseHoldoutAccuracy, double HoldoutLoss, double HoldoutAccuracy, int HoldoutSamples,
    double TestLoss, double TestAccuracy, int TestSamples, double? BaseMeanReturn = null, double? MeanReturn = null, int? EvalEpisodes = null);

/// <summary>A node's place in a round.</summary>
public enum ParticipantStatus { Joined, Submitted, Dropped }

/// <summary>One node's part in a round attempt.</summary>
public sealed record ParticipantView(
    string Node, int Slot, int Shard, ParticipantStatus Status, DateTimeOffset JoinedAt, string? UpdateBlob, DateTimeOffset? SubmittedAt);

/// <summary>A round of a job. A round that ends with too few updates is retried: same index, next attempt, new seed.</summary>
/// <param name="PhaseDeadline">When the current phase ends (open: join window; training: upload deadline; validating: lease).</param>
/// <param name="ExpectedReward">
/// What one node can expect for a full-quality update, micro-tokens, given the job's terms and remaining budget (set when listed).
/// </param>
public sealed record RoundView(
    string Id, string JobId, int Index, int Attempt, RoundStatus Status, ulong Seed, string BaseModel,
    string Dataset, string Model, int MinNodes, int MaxNodes, int InnerSteps, int BatchSize,
    DateTimeOffset OpenedAt, DateTimeOffset? TrainingAt, DateTimeOffset? ValidatingAt, DateTimeOffset? DoneAt,
    DateTimeOffset PhaseDeadline, string? NewModel, string? Validator, RoundMetrics? Metrics,
    IReadOnlyList<ParticipantView> Participants, long? ExpectedReward = null, string? AuditCommitment = null,
    IReadOnlyList<VoteView>? Votes = null, string? Agreed = null);

/// <summary>
/// A validator's posted result in a round judged by several validators: the agreement key (SHA-256 of the result without
/// its signer), when it came, and whether it agreed with the quorum (null while undecided or when no quorum formed).
/// </summary>
/// <param name="Late">Posted after the quorum had accepted the round: no fee either way.</param>
public sealed record VoteView(string Validator, string Agreement, DateTimeOffset PostedAt, bool? Agrees, bool? Late);
