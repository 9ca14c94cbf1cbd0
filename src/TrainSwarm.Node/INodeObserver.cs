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

    /// <summary>An open round appeared (reported once per round attempt).</summary>
    void RoundSeen(RoundView round) { }

    /// <summary>The node holds <paramref name="assignment"/>: it just joined, or (<paramref name="resumed"/>) picked it up after a restart.</summary>
    void Joined(Assignment assignment, bool resumed) { }

    /// <summary>The base model and data are ready; training starts on <paramref name="shardSamples"/> samples of <paramref name="dataset"/>.</summary>
    void TrainingStarted(Assignment assignment, string dataset, int shardSamples) { }

    /// <summary>About every tenth of a round's steps: <paramref name="loss"/> is the mean since the previous report.</summary>
    void TrainingProgress(string roundId, int step, int steps, float loss, double samplesPerSecond) { }

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
}
