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

    /// <summary>A network operation failed in a way that may pass (coordinator restarting); it is tried again after <paramref name="delay"/>.</summary>
    void Retrying(string? roundId, string operation, string error, TimeSpan delay) { }

    /// <summary>Anything else worth a line (e.g. a dataset download's progress).</summary>
    void Info(string? roundId, string message) { }

    /// <summary>Something failed; the daemon goes on.</summary>
    void Error(string? roundId, string message) { }
}
