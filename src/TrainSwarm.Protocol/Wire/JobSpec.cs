namespace TrainSwarm.Protocol.Wire;

/// <summary>
/// What a creator asks for: the model, the data, the schedule and how updates are combined. Every field has a
/// default so a spec file names only what it changes; <see cref="JobSpecRules.Validate"/> says what is wrong with one.
/// </summary>
public sealed record JobSpec
{
    /// <summary>A label for people; not unique.</summary>
    public string Name { get; init; } = "";

    /// <summary>
    /// The job kind: null (image classification, as every spec stored before kinds existed, so their bytes stay the same) or
    /// <c>rl</c> or <c>lm</c> (<see cref="JobKinds"/>). An <c>rl</c> job ignores the model, dataset and inner-loop fields and reads
    /// <see cref="Rl"/>; an <c>lm</c> job reads <see cref="Lm"/> instead, a <c>grpo</c> job <see cref="Grpo"/>.
    /// </summary>
    public string? Kind { get; init; }

    /// <summary>The settings of an <c>rl</c> job (null: the <c>cartpole-ppo</c> preset's defaults).</summary>
    public RlJobSpec? Rl { get; init; }

    /// <summary>True for a reinforcement-learning job.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsRl => Kind == JobKinds.Rl;

    /// <summary>The RL settings in effect: <see cref="Rl"/> or the preset's defaults.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public RlJobSpec RlSettings => Rl ?? new RlJobSpec();

    /// <summary>The settings of an <c>lm</c> job (null: the <c>gpt-tiny</c> on <c>fortunes</c> defaults).</summary>
    public LmJobSpec? Lm { get; init; }

    /// <summary>True for a language-model pre-training job.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsLm => Kind == JobKinds.Lm;

    /// <summary>The lm settings in effect: <see cref="Lm"/> or the defaults.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public LmJobSpec LmSettings => Lm ?? new LmJobSpec();

    /// <summary>The settings of a <c>grpo</c> job (null: the <c>swarm train --preset grpo</c> defaults).</summary>
    public GrpoJobSpec? Grpo { get; init; }

    /// <summary>True for a GRPO fine-tuning job.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsGrpo => Kind == JobKinds.Grpo;

    /// <summary>The grpo settings in effect: <see cref="Grpo"/> or the defaults.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public GrpoJobSpec GrpoSettings => Grpo ?? new GrpoJobSpec();

    /// <summary>
    /// The uploaded dataset this job trains on, or null: an image job's <c>dataset</c>, or an lm job's <c>lm.corpus</c>, when it is
    /// a dataset id. Ownership, deletion and the jobs listed under a dataset all read it.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? UploadedDataset => IsRl || IsGrpo ? null
        : IsLm ? (DatasetIds.IsValid(LmSettings.Corpus) ? LmSettings.Corpus : null)
        : DatasetIds.IsValid(Dataset) ? Dataset : null;

    /// <summary>
    /// Environment steps (rl), tokens (lm), sequence tokens (grpo) or samples (image) one full update trains, the most a node is paid for.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long SamplesPerUpdate => IsRl ? RlSettings.EnvStepsPerUpdate : IsLm ? LmSettings.TokensPerUpdate : IsGrpo ? GrpoSettings.TokensPerUpdate
        : (long)InnerSteps * BatchSize;

    /// <summary>Whether two specs are the same job: equal JSON (what a quote's digest covers), so lists compare by content.</summary>
    public bool Equals(JobSpec? other) =>
        other is not null && SwarmJson.SerializeToUtf8(this).AsSpan().SequenceEqual(SwarmJson.SerializeToUtf8(other));

    /// <summary>A hash consistent with <see cref="Equals(JobSpec?)"/>.</summary>
    public override int GetHashCode() => Quote.DigestOf(this).GetHashCode(StringComparison.Ordinal);

    /// <summary>A model preset (<c>mlp</c>, <c>cnn</c>); ignored when <see cref="Layers"/> is given.</summary>
    public string Model { get; init; } = "mlp";

    /// <summary>Optional layer list, e.g. <c>["flatten", "linear(784,64)", "relu", "linear(64,10)"]</c>.</summary>
    public IReadOnlyList<string>? Layers { get; init; }

    /// <summary>A named dataset from the catalog (e.g. <c>fashion-mnist</c>).</summary>
    public string Dataset { get; init; } = "fashion-mnist";

    /// <summary>Rounds to run unless the target is reached first.</summary>
    public int Rounds { get; init; } = 5;

    /// <summary>A round trains only when at least this many nodes joined, and aggregates only this many updates or more.</summary>
    public int MinNodes { get; init; } = 1;

    /// <summary>At most this many nodes join a round; also the number of data shards.</summary>
    public int MaxNodes { get; init; } = 3;

    /// <summary>H: optimizer steps each node takes from the global weights per round.</summary>
    public int InnerSteps { get; init; } = 100;

    /// <summary>Mini-batch size of each inner step.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Inner optimizer learning rate.</summary>
    public double LearningRate { get; init; } = 0.05;

    /// <summary>Inner optimizer: <c>sgd</c>, <c>adam</c> or <c>adamw</c>.</summary>
    public string Optimizer { get; init; } = "sgd";

    /// <summary>SGD momentum (ignored by Adam).</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>
    /// Aggregation strategy: <c>fedavg</c>, <c>diloco</c>, or a Byzantine-robust one (<c>trimmed-mean</c>, <c>median</c>,
    /// <c>krum</c>, <c>multi-krum</c>, <c>centered-clipping</c>). Left out it is <c>fedavg</c>, and for an <c>lm</c> job
    /// <c>diloco</c> (outer Nesterov over H inner steps, as the DiLoCo and OpenDiLoCo papers train language models). The
    /// default is decided when read, and the JSON always holds the name in effect, so stored image specs keep their bytes.
    /// </summary>
    public string Strategy { get => _strategy ?? (IsLm ? "diloco" : "fedavg"); init => _strategy = value; }

    private readonly string? _strategy;

    /// <summary>For <c>diloco</c>: the robust rule that forms the outer step's delta (null: the sample-weighted average).</summary>
    public string? RobustInner { get; init; }

    /// <summary>
    /// For <c>trimmed-mean</c>: the fraction β of updates dropped from each side of every coordinate (null: <see cref="DefaultTrimFraction"/>). Null, not 0.1,
    /// is stored so that jobs written before the field existed read and write back byte for byte.
    /// </summary>
    public double? TrimFraction { get; init; }

    /// <summary>The β in effect when <see cref="TrimFraction"/> is null.</summary>
    public const double DefaultTrimFraction = 0.1;

    /// <summary>For <c>krum</c> and <c>multi-krum</c>: f, the assumed number of Byzantine updates (null: ⌊(n − 3)/2⌋ each round).</summary>
    public int? ByzantineCount { get; init; }

    /// <summary>For <c>multi-krum</c>: m, how many of the best-scored updates are averaged (null: n − f each round).</summary>
    public int? KrumSelected { get; init; }

    /// <summary>For <c>centered-clipping</c>: the radius τ (null: each iteration's median distance to the center).</summary>
    public double? ClippingRadius { get; init; }

    /// <summary>For <c>centered-clipping</c>: L, the clipping iterations per round (null: <see cref="DefaultClippingIterations"/>).</summary>
    public int? ClippingIterations { get; init; }

    /// <summary>The L in effect when <see cref="ClippingIterations"/> is null.</summary>
    public const int DefaultClippingIterations = 3;

    /// <summary>DiLoCo's outer learning rate.</summary>
    public double OuterLearningRate { get; init; } = 0.7;

    /// <summary>DiLoCo's outer Nesterov momentum.</summary>
    public double OuterMomentum { get; init; } = 0.9;

    /// <summary>Fraction of the training split kept back for validation; nodes never train on it.</summary>
    public double HoldoutFraction { get; init; } = 0.1;

    /// <summary>Holdout accuracy that ends the job early, if set.</summary>
    public double? TargetAccuracy { get; init; }

    /// <summary>Use only this many training samples (after the holdout is taken), if set: for quick jobs.</summary>
    public int? TrainSamples { get; init; }

    /// <summary>
    /// A named dataset only: split just its first this many training samples (holdout included), if set. The split is then
    /// the one an upload of those samples in that order gets when its split seed equals this job's seed.
    /// </summary>
    public int? FirstSamples { get; init; }

    /// <summary>Seeds the initial weights, the holdout split and every round's seeds.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Nodes commit to (hash) their weights and training state every this many steps (null: <see cref="DefaultCommitEvery"/>).
    /// Null, not the number, is stored so that jobs written when the default was 25 (they all store it explicitly) keep
    /// their 25 byte for byte, and new jobs get the new default.
    /// </summary>
    public int? CommitEvery { get; init; }

    /// <summary>The commitment interval in effect: <see cref="CommitEvery"/> or its default.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int CommitInterval => CommitEvery ?? (IsLm ? DefaultLmCommitEvery : IsGrpo ? GrpoSettings.StepsPerRound : DefaultCommitEvery);

    /// <summary>
    /// The default <see cref="CommitEvery"/> of an <c>lm</c> job: a GPT's training state is its weights and two AdamW moments
    /// (about 13 MB for gpt-tiny), which a node keeps on disk for each commitment until the round is settled, and each replayed
    /// step costs a full transformer step, so commitments are sparser than for the small image models.
    /// </summary>
    public const int DefaultLmCommitEvery = 25;

    /// <summary>
    /// The default <see cref="CommitEvery"/>: short segments make each replay cheap, so a small share still touches any
    /// skipped block of steps several times (README "Trust": 4 with 800 bps meets the catch and compute goals; with
    /// states on demand the node uploads only the states a validator picks, so many commitments cost no upload).
    /// </summary>
    public const int DefaultCommitEvery = 4;

    /// <summary>
    /// The share of each update's committed segments a validator replays, in basis points: each segment is picked on its
    /// own with this probability from the round's audit secret, so replay compute is this share of the nodes' training.
    /// A node that fakes b of its segments escapes one round with probability (1 − share)^b; at the default 2500 and one
    /// faked segment that is 92% per round and 19% over 20 rounds, and a 10% skip of H = 100 fakes at least 3 (README "Trust" has the figures).
    /// </summary>
    /// <remarks>Null (the default, and every job stored before replays existed) means <see cref="DefaultReplayShareBps"/>.</remarks>
    public int? ReplayShareBps { get; init; }

    /// <summary>The share in effect: <see cref="ReplayShareBps"/> or its default.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int ReplayShare => ReplayShareBps ?? DefaultReplayShareBps;

    /// <summary>The default <see cref="ReplayShareBps"/>.</summary>
    public const int DefaultReplayShareBps = 800;

    /// <summary>
    /// How long a node has to upload a training state a validator requested (seconds; null: <see cref="StateWindow"/>'s
    /// default). A requested state not answered in time is fraud: see README "Trust: states on demand".
    /// </summary>
    public int? StateWindowSeconds { get; init; }

    /// <summary>
    /// The window in effect: <see cref="StateWindowSeconds"/>, or <see cref="DefaultStateWindowSeconds"/> capped at a third of
    /// <see cref="ValidateSeconds"/> (the validator waits inside its lease).
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int StateWindow => StateWindowSeconds ?? Math.Clamp(ValidateSeconds / 3, 1, DefaultStateWindowSeconds);

    /// <summary>
    /// The default window: a running node answers within one poll (half a second) plus one upload of about a megabyte,
    /// so 60 s leaves two orders of magnitude for a loaded machine or a node restarting (it keeps its states on disk).
    /// </summary>
    public const int DefaultStateWindowSeconds = 60;

    /// <summary>
    /// How many validators score each round independently (null: <see cref="DefaultValidators"/>). Null, not 1, is stored so
    /// that jobs written before quorums existed read and write back byte for byte.
    /// </summary>
    public int? Validators { get; init; }

    /// <summary>How many of the <see cref="Validators"/> must post the same result for the round to be accepted (null: a majority).</summary>
    public int? Quorum { get; init; }

    /// <summary>The number of validators in effect: <see cref="Validators"/> or its default.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int ValidatorCount => Validators ?? DefaultValidators;

    /// <summary>The quorum in effect: <see cref="Quorum"/>, or a majority ⌊n/2⌋ + 1 of <see cref="ValidatorCount"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int QuorumSize => Quorum ?? Majority(ValidatorCount);

    /// <summary>The smallest quorum allowed for <paramref name="validators"/>: ⌊n/2⌋ + 1, so two disagreeing quorums cannot both exist.</summary>
    public static int Majority(int validators) => validators / 2 + 1;

    /// <summary>The default <see cref="Validators"/>: one, as on a devnet.</summary>
    public const int DefaultValidators = 1;

    /// <summary>The most validators one round can have.</summary>
    public const int MaxValidators = 16;

    /// <summary>How long a round waits for nodes to join (extended while fewer than <see cref="MinNodes"/> have).</summary>
    public int OpenSeconds { get; init; } = 20;

    /// <summary>How long joined nodes have to upload their updates.</summary>
    public int TrainSeconds { get; init; } = 600;

    /// <summary>How long a validator may hold a round before another may take it.</summary>
    public int ValidateSeconds { get; init; } = 300;
}
