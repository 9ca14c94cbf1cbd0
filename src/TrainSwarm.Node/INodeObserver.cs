using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Node;

/// <summary>
/// What a node daemon reports as it works, so a CLI, a log or a test can render it. Calls come from the polling loop
/// and from every round's training task, so an implementation must be thread-safe. Every method does nothing by
/// default: an observer implements only what it shows.
/// </summary>
public interface INodeObserver
{
    /// <summary>The machine was measured (before registering).</summary>
    void Benchmarked(Hardware hardware, Benchmark benchmark) { }

    /// <summary>The coordinator accepted the node's registration.</summary>
    void Registered(NodeView node) { }

    /// <summary>One poll of the coordinator ended (<paramref name="failures"/>: failed polls in a row, 0 after a good one).</summary>
    void Polled(int failures) { }

    /// <summary>An open round appeared (reported once per round attempt).</summary>
    void RoundSeen(RoundView round) { }

    /// <summary>The node holds <paramref name="assignment"/>: it just joined, or (<paramref name="resumed"/>) picked it up after a restart.</summary>
    void Joined(Assignment assignment, bool resumed) { }

    /// <summary>
    /// The node joined <paramref name="assignment"/> but trains nothing by itself (<see cref="NodeOptions.AutoTrain"/> is
    /// off): it waits for `swarm round train`. Reported once per round attempt.
    /// </summary>
    void AwaitingManualTraining(Assignment assignment) =>
        Info(assignment.RoundId, $"held, not trained: auto-train is off; train it with: swarm round train {assignment.RoundId}");

    /// <summary>A round asks for <paramref name="requested"/>; by the node's mapping it trains its local <paramref name="local"/> instead.</summary>
    void DatasetMapped(string roundId, string requested, string local) =>
        Info(roundId, $"dataset '{requested}' mapped to local dataset '{local}'");

    /// <summary>
    /// The base model and data are ready; training starts: <paramref name="steps"/> local steps (H × epochs, capped by
    /// max batches) on <paramref name="shardSamples"/> samples of the local <paramref name="dataset"/>.
    /// </summary>
    void TrainingStarted(Assignment assignment, string dataset, int shardSamples, int steps) { }

    /// <summary>Every local step (for a live progress bar); <paramref name="loss"/> is that step's loss.</summary>
    void TrainingStep(string roundId, int step, int steps, float loss, double samplesPerSecond) { }

    /// <summary>About every tenth of a round's steps: <paramref name="loss"/> is the mean since the previous report.</summary>
    void TrainingProgress(string roundId, int step, int steps, float loss, double samplesPerSecond) { }

    /// <summary>The update's upload (blob <paramref name="blob"/>, <paramref name="bytes"/> bytes) starts now.</summary>
    void Uploading(string roundId, string blob, long bytes) { }

    /// <summary>The update was stored as blob <paramref name="blob"/> of <paramref name="bytes"/> bytes.</summary>
    void Uploaded(string roundId, string blob, long bytes) { }

    /// <summary>The coordinator acknowledged the update and its signed receipt.</summary>
    void Submitted(TrainingReceipt receipt, UpdateAck ack) { }

    /// <summary>A round was passed over or given up, and why (<paramref name="roundId"/> null when not about one round).</summary>
    void Skipped(string? roundId, string reason) { }

    /// <summary>
    /// An open round's expected reward is outside the node's bounds, so it is not joined (reported once per round
    /// attempt; the node joins it after all if a later listing shows a reward within bounds).
    /// </summary>
    void RewardOutOfRange(RoundView round, RewardCheck check) => Skipped(round.Id, check.Describe());

    /// <summary>
    /// The coordinator asks a stake per round (<paramref name="stake"/> micro-tokens) above the node's
    /// <see cref="NodeOptions.MaxStake"/>: the node joins nothing (said once; again if the stake changes).
    /// </summary>
    void StakeAboveMaximum(long stake, long maxStake) =>
        Skipped(null, $"joining no rounds: the coordinator asks a stake of {Asset.Format(stake)} tokens per round, above the maximum {Asset.Format(maxStake)}");

    /// <summary>
    /// The validator judged this node's update in a done round of a job of <paramref name="kind"/> (null: image): accepted or not,
    /// and the held-out metric that kind is scored by (<see cref="HeldOutText.Verdict"/>).
    /// </summary>
    void Scored(string roundId, UpdateVerdict verdict, string? kind) =>
        Info(roundId, verdict.Accepted
            ? $"accepted by the validator ({HeldOutText.Verdict(verdict, kind)})"
            : $"rejected by the validator: {verdict.Reason}");

    /// <summary>The coordinator refused the join because the node cannot pay the round's stake (HTTP 402); this round attempt is not tried again.</summary>
    void StakeRefused(string roundId, string detail) => Skipped(roundId, $"cannot stake for round {roundId}: {detail}");

    /// <summary>A delivered round paid this node <paramref name="line"/>'s payout, and it was claimed into the wallet by <paramref name="claim"/>.</summary>
    void PayoutClaimed(RoundRewards rewards, RewardLine line, TransferOutcome claim) =>
        Info(rewards.RoundId, $"earned {Asset.Format(line.Payout)} tokens; claimed (transfer {claim.Id}, entry {claim.Sequence}, {claim.Status})");

    /// <summary>A delivered round paid this node <paramref name="line"/>'s payout; auto-claim is off, so it stays claimable.</summary>
    void PayoutClaimable(RoundRewards rewards, RewardLine line) =>
        Info(rewards.RoundId, $"earned {Asset.Format(line.Payout)} tokens; claimable");

    /// <summary>
    /// A delivered round pays this node nothing: the update was rejected or weighed 0, the attempt closed without a
    /// result, the job ended or has no billing. <paramref name="line"/> is the node's reward line when there is one.
    /// </summary>
    void NothingEarned(string roundId, string reason, RewardLine? line) => Info(roundId, $"nothing earned: {reason}");

    /// <summary>A network operation failed in a way that may pass (coordinator restarting); it is tried again after <paramref name="delay"/>.</summary>
    void Retrying(string? roundId, string operation, string error, TimeSpan delay) { }

    /// <summary>Anything else worth a line (e.g. a dataset download's progress).</summary>
    void Info(string? roundId, string message) { }

    /// <summary>Something failed; the daemon goes on.</summary>
    void Error(string? roundId, string message) { }

    /// <summary>The daemon stopped (every training and payout task has ended); nothing is reported after this.</summary>
    void Stopped() { }
}
