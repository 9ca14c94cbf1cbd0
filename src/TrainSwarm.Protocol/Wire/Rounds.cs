namespace TrainSwarm.Protocol.Wire;

/// <summary>What a node gets when it joins a round: everything it needs to train its part.</summary>
/// <param name="AuditCommitment">
/// SHA-256 (hex) of the round's audit secret, fixed before anyone trains; the secret, revealed to validators only after
/// the uploads, picks the replayed segments, so a node cannot know at upload time which of its segments will be checked.
/// </param>
public sealed record Assignment(
    string RoundId, string JobId, int Index, int Attempt, int Slot, int ShardIndex, int ShardCount, ulong Seed,
    string BaseModel, JobSpec Spec, DateTimeOffset TrainDeadline, string? AuditCommitment = null);

/// <summary>A hash of the node's weights after <paramref name="Step"/> inner steps (lowercase hex SHA-256 of the safetensors bytes).</summary>
/// <param name="State">
/// SHA-256 of the whole training state at that step (weights and optimizer state, <c>RoundCheckpoint</c> bytes): the id
/// of the checkpoint blob the node uploads, from which a validator replays the next segment.
/// </param>
public sealed record Commitment(int Step, string Sha256, string? State = null);

/// <summary>
/// The node's signed statement of the work behind an update. Replaying it (same base, shard, seed, steps) gives the
/// same weights, so a validator can check any committed segment.
/// </summary>
/// <param name="Encoding"><c>f32</c> or <c>int8</c> (per-tensor scale).</param>
/// <param name="DatasetUsed">The local dataset trained on (differs from the job's when a mapping was applied); an rl job's environment.</param>
/// <param name="Episodes">
/// For an rl job: episodes that ended in the node's rollouts. An rl receipt's Steps are rollouts, its Samples environment steps
/// and its commitments are taken every commitEvery rollouts.
/// </param>
/// <param name="MeanReturn">
/// For an rl job: the mean return of those episodes (the node's own, unverified training figure). For a grpo job: the mean reward
/// of the completions sampled (Episodes: how many), its Steps GRPO steps and its Samples sequence tokens (see <see cref="GrpoJobSpec.TokensPerUpdate"/>).
/// </param>
/// <param name="Device">
/// The device kind that trained (<c>cpu-avx512</c>, or a GPU's name and compute capability, <c>NVIDIA H100 80GB HBM3 sm_90</c>): a replay
/// is bitwise only on the same kind. Null (every receipt signed before devices were recorded, so their bytes stay the same): a CPU.
/// </param>
/// <param name="SampledTokens">For a grpo job: the completion tokens actually sampled, over all steps.</param>
/// <param name="RewardCurve">For a grpo job: the mean reward of each step's completions, in step order.</param>
public sealed record TrainingReceipt(
    string JobId, string RoundId, int Attempt, string Node, string BaseModel, int ShardIndex, int ShardCount, ulong Seed,
    int Steps, long Samples, IReadOnlyList<float> LossCurve, double ComputeSeconds, IReadOnlyList<Commitment> Commitments,
    string UpdateBlob, string Encoding, string DatasetUsed, long? Episodes = null, double? MeanReturn = null,
    IReadOnlyList<string>? ShardBlobs = null, string? Device = null, long? SampledTokens = null,
    IReadOnlyList<double>? RewardCurve = null);

/// <summary>An update upload: the delta is already in the blob store; the receipt names it and is signed by the node.</summary>
public sealed record UpdateSubmission(TrainingReceipt Receipt, string ReceiptSignature);

/// <summary>The coordinator's acknowledgement: once returned, the update is stored durably.</summary>
public sealed record UpdateAck(string RoundId, int Attempt, string Node, string UpdateBlob, DateTimeOffset ReceivedAt);

/// <summary>What a validator gets when it takes a round: the updates and the nodes that failed to deliver.</summary>
/// <param name="Failures">Nodes that joined but delivered nothing (dropped), as strategies must see failures too.</param>
/// <param name="AuditSecret">The round's audit secret (hex), revealed now that the uploads are in; hashes to the round's AuditCommitment.</param>
public sealed record ValidationTask(
    RoundView Round, JobSpec Spec, string? StrategyStateBlob, IReadOnlyList<UpdateSubmission> Updates, IReadOnlyList<string> Failures,
    DateTimeOffset LeaseUntil, string? AuditSecret = null);

/// <summary>The validator's verdict on one update, with the inputs behind it.</summary>
/// <param name="Weight">The update's share in the aggregate (0 when rejected).</param>
/// <param name="Contribution">
/// What the contribution check measured (null for an update rejected before it, and in results of validators older than it).
/// </param>
/// <param name="Fraud">
/// The receipt is provably false (a replayed segment missed its commitment, the chain does not end in the uploaded delta,
/// or its counts contradict themselves): the coordinator slashes the node's stake. Download failures never set it.
/// </param>
/// <param name="ReplaySegment">The segment that failed, e.g. <c>steps 25-50</c>, or the check that failed (<c>delta</c>, <c>samples</c>).</param>
/// <param name="ReplayExpected">The hash (or count) the receipt committed to.</param>
/// <param name="ReplayFound">The hash (or count) the replay produced.</param>
/// <param name="ReplayedSteps">Optimizer steps the validator replayed for this update.</param>
/// <param name="BaseReturn">For an rl job: the global policy's mean evaluation return (then the losses are unused, 0).</param>
/// <param name="UpdatedReturn">For an rl job: the mean evaluation return of global + this delta on the same episodes.</param>
/// <param name="ReplaySkipped">
/// Why no segment was replayed although the update was picked for it (the receipt's device kind is not one this validator replays
/// on): neither passed nor failed. Null when segments were replayed or none was due.
/// </param>
/// <param name="BaseCorrect">For a grpo job: held-out prompts the global answers exactly (greedy); the accuracies are these over the prompts.</param>
/// <param name="UpdatedCorrect">For a grpo job: held-out prompts global + this delta answers exactly, on the same prompts.</param>
public sealed record UpdateVerdict(
    string Node, string UpdateBlob, bool Accepted, string? Reason, long Samples, int Steps, double Norm,
    double BaseLoss, double BaseAccuracy, double UpdatedLoss, double UpdatedAccuracy, double Weight, Contribution? Contribution = null,
    bool? Fraud = null, string? ReplaySegment = null, string? ReplayExpected = null, string? ReplayFound = null, int? ReplayedSteps = null,
    double? BaseReturn = null, double? UpdatedReturn = null, string? ReplaySkipped = null, int? BaseCorrect = null,
    int? UpdatedCorrect = null);

/// <summary>
/// The inputs of an update's contribution check: an update is paid only when its delta is not near zero, not a (scaled)
/// copy of one received before it in the round, and not a replay of the previous round's deltas or global step.
/// </summary>
/// <param name="RelativeNorm">‖Δ‖ / the median ‖Δ‖ of the round's well-formed updates.</param>
/// <param name="BaseRelativeNorm">‖Δ‖ / ‖base weights‖.</param>
/// <param name="MaxSimilarity">The largest |cosine| with an update received earlier in the round (0 when none).</param>
/// <param name="SimilarTo">The node whose update that was, or null.</param>
/// <param name="NormRatio">‖Δ‖ / ‖that node's Δ‖ (1 for a plain copy, 2 for a doubled one; 0 when none).</param>
/// <param name="PreviousSimilarity">The largest |cosine| with a delta accepted in the previous round or its global step.</param>
/// <param name="PreviousTo">The node whose previous-round delta that was, <c>global step</c>, or null.</param>
public sealed record Contribution(
    double RelativeNorm, double BaseRelativeNorm, double MaxSimilarity, string? SimilarTo, double NormRatio,
    double PreviousSimilarity, string? PreviousTo);

/// <summary>A round's outcome, signed by the validator: every update's verdict, the new global model and its metrics.</summary>
public sealed record RoundResult(
    string RoundId, int Attempt, string Validator, string BaseModel, string NewModel, string Strategy, string? StrategyStateBlob,
    IReadOnlyList<UpdateVerdict> Verdicts, RoundMetrics Metrics);

/// <summary>A round result and the validator's signature over it.</summary>
public sealed record RoundResultSubmission(RoundResult Result, string Signature);

/// <summary>A stored blob.</summary>
public sealed record BlobInfo(string Id, long Size);
