using System.Text.Json.Serialization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Bench.Verification;

/// <summary>What to measure: the job settings under test and how many trials and updates.</summary>
/// <param name="ShareBps">The checked share (replayShareBps): each segment is replayed with this probability.</param>
/// <param name="Trials">Audit secrets drawn per cheater to measure the per-round catch rate.</param>
/// <param name="Honest">Honest updates trained and replayed in full to count false positives.</param>
/// <param name="Cheaters">Cheating updates built per skip fraction and pattern (each on its own shard and seed).</param>
/// <param name="Optimizers">Optimizers the honest updates cycle through.</param>
/// <param name="Threads">Engine thread counts; each honest update is trained with one and replayed with the next.</param>
public sealed record VerificationOptions(
    int CommitEvery = JobSpec.DefaultCommitEvery, int ShareBps = JobSpec.DefaultReplayShareBps, int InnerSteps = 100, int BatchSize = 64,
    int Trials = 10_000, int Honest = 1000,
    int Cheaters = 4, int Nodes = 8, int Rounds = 20, IReadOnlyList<double>? SkipShares = null, IReadOnlyList<string>? Optimizers = null,
    IReadOnlyList<int>? Threads = null, int? TrainSamples = null, ulong Seed = 0, string? DataDir = null)
{
    /// <summary>The skipped shares measured (default 10%, 20%, 50%).</summary>
    public IReadOnlyList<double> Skips => SkipShares ?? [0.1, 0.2, 0.5];

    /// <summary>The optimizers the honest updates use (default SGD with momentum, Adam).</summary>
    public IReadOnlyList<string> OptimizerNames => Optimizers ?? ["sgd", "adam"];

    /// <summary>The thread counts (default 1 and 2).</summary>
    public IReadOnlyList<int> ThreadCounts => Threads ?? [1, 2];
}

/// <summary>How often replays catch a node that skipped a share of its steps, one JSON line per skip share and pattern.</summary>
/// <param name="Pattern"><c>block</c>: the skipped steps are the last ones, one contiguous block; <c>spread</c>: evenly spaced over the run.</param>
/// <param name="SegmentsCaught">Mean number of segments whose replay proves the fraud (the others replay bitwise).</param>
/// <param name="CaughtOneRound">Share of trials (audit secrets) whose picks include a failing segment.</param>
/// <param name="CaughtRounds">1 − (1 − caught in one round)^rounds: a node that cheats like this every round.</param>
/// <param name="CaughtRoundsSimulated">The same, counted: trials grouped into runs of that many rounds, each with its own secret.</param>
public sealed record CatchFigure(
    [property: JsonPropertyName("figure")] string Figure,
    [property: JsonPropertyName("skip")] double Skip,
    [property: JsonPropertyName("pattern")] string Pattern,
    [property: JsonPropertyName("commit_every")] int CommitEvery,
    [property: JsonPropertyName("segments")] int Segments,
    [property: JsonPropertyName("share_bps")] int ShareBps,
    [property: JsonPropertyName("cheaters")] int Cheaters,
    [property: JsonPropertyName("trials")] int Trials,
    [property: JsonPropertyName("segments_caught")] double SegmentsCaught,
    [property: JsonPropertyName("caught_1_round")] double CaughtOneRound,
    [property: JsonPropertyName("rounds")] int Rounds,
    [property: JsonPropertyName("caught_within_rounds")] double CaughtRounds,
    [property: JsonPropertyName("caught_within_rounds_simulated")] double CaughtRoundsSimulated);

/// <summary>Honest updates the replay wrongly calls fraud (the goal is none), one line per optimizer and thread pairing, then the total.</summary>
/// <param name="NodeThreads">Engine threads the node trained with.</param>
/// <param name="ValidatorThreads">Engine threads the validator replayed with.</param>
/// <param name="SegmentsReplayed">Every segment of every update is replayed here, not only the picked ones.</param>
public sealed record FalsePositiveFigure(
    [property: JsonPropertyName("figure")] string Figure,
    [property: JsonPropertyName("optimizer")] string Optimizer,
    [property: JsonPropertyName("node_threads")] string NodeThreads,
    [property: JsonPropertyName("validator_threads")] string ValidatorThreads,
    [property: JsonPropertyName("honest_updates")] int HonestUpdates,
    [property: JsonPropertyName("segments_replayed")] long SegmentsReplayed,
    [property: JsonPropertyName("false_positives")] int FalsePositives,
    [property: JsonPropertyName("rejected")] int Rejected);

/// <summary>
/// The validator's replay work at the checked share against the nodes' training work, over the honest updates, in the same
/// process and interleaved update by update (train, then check), so both see the same machine load.
/// </summary>
/// <param name="StepsShare">Replayed steps / trained steps.</param>
/// <param name="TrainingSeconds">Wall time of the nodes' <c>RoundTrainer.Train</c> calls: H steps and every commitment (weights hashed,
/// the training state serialized and hashed), nothing of the bench's bookkeeping around them.</param>
/// <param name="WallShare">Wall time of the replayed steps (inside the validator's check, their commitments included) / the training's.</param>
/// <param name="Blocks">The honest rounds split into this many consecutive blocks; the min/max shares are over those blocks, showing how
/// much the shares move with the machine's load within one run.</param>
/// <param name="UploadBytesAllStates">What a node uploaded per update when it sent every committed state (delta + states).</param>
/// <param name="UploadBytesOnDemand">With states on demand: the delta, the last state (the chain-end check) and the states the picks request.</param>
/// <param name="NodeKeepSeconds">The node writing every state of an update to its <c>CheckpointStore</c> (disk).</param>
/// <param name="NodeAnswerSeconds">The node reading back and hash-checking the requested states (before uploading them).</param>
/// <param name="CheckWallShare">Wall time of the validator's whole check (picks, static and chain-end checks, loading the shard and the
/// states, the replays) / the nodes' training wall time.</param>
public sealed record ReplayComputeFigure(
    [property: JsonPropertyName("figure")] string Figure,
    [property: JsonPropertyName("commit_every")] int CommitEvery,
    [property: JsonPropertyName("share_bps")] int ShareBps,
    [property: JsonPropertyName("updates")] int Updates,
    [property: JsonPropertyName("trained_steps")] long TrainedSteps,
    [property: JsonPropertyName("replayed_steps")] long ReplayedSteps,
    [property: JsonPropertyName("steps_share")] double StepsShare,
    [property: JsonPropertyName("training_seconds")] double TrainingSeconds,
    [property: JsonPropertyName("replay_seconds")] double ReplaySeconds,
    [property: JsonPropertyName("wall_share")] double WallShare,
    [property: JsonPropertyName("check_seconds")] double CheckSeconds,
    [property: JsonPropertyName("check_wall_share")] double CheckWallShare,
    [property: JsonPropertyName("blocks")] int Blocks,
    [property: JsonPropertyName("wall_share_block_min")] double WallShareMin,
    [property: JsonPropertyName("wall_share_block_max")] double WallShareMax,
    [property: JsonPropertyName("check_wall_share_block_min")] double CheckWallShareMin,
    [property: JsonPropertyName("check_wall_share_block_max")] double CheckWallShareMax,
    [property: JsonPropertyName("states_per_update")] int StatesPerUpdate,
    [property: JsonPropertyName("state_bytes_per_update")] long StateBytesPerUpdate,
    [property: JsonPropertyName("upload_bytes_per_update_all_states")] long UploadBytesAllStates,
    [property: JsonPropertyName("upload_bytes_per_update_on_demand")] long UploadBytesOnDemand,
    [property: JsonPropertyName("requested_states_per_update")] double RequestedStatesPerUpdate,
    [property: JsonPropertyName("node_keep_seconds_per_update")] double NodeKeepSeconds,
    [property: JsonPropertyName("node_answer_read_seconds_per_update")] double NodeAnswerSeconds);
