using TrainSwarm.Nn;
using TrainSwarm.Nn.Optimizers;
using TrainSwarm.Nn.Serialization;

namespace TrainSwarm.Learning.Training;

/// <summary>
/// The commitments a round's training makes as it goes, shared by every round trainer (image and lm) so that all of them hash
/// the same way: the SHA-256 of the weights' safetensors bytes and of the whole <see cref="RoundCheckpoint"/>. A replay keeps
/// only the hashes (the state hash streams into SHA-256, no checkpoint bytes are built); a node's run keeps the checkpoints too.
/// </summary>
public sealed class CommitmentLog(int commitEvery, int lastStep, bool replay)
{
    /// <summary>The commitments so far, in step order.</summary>
    public List<WeightCommitment> Commitments { get; } = [];

    /// <summary>The checkpoint bytes of each commitment (empty for a replay).</summary>
    public List<byte[]> Checkpoints { get; } = [];

    /// <summary>
    /// Commits after <paramref name="step"/> when it is on the schedule: every commitEvery steps and always the round's last step
    /// (the round's, not a partial replay's stop, so a partial replay makes exactly the full run's commitments up to there).
    /// </summary>
    public void After(int step, Module model, Optimizer optimizer)
    {
        if (!IsDue(commitEvery, lastStep, step))
            return;
        // One export serves both hashes; the weight hash streams into SHA-256 without a file in memory.
        var weights = ModuleWeights.Export(model);
        if (replay)
        {
            Commitments.Add(new WeightCommitment(step, SafeTensorsWriter.Sha256Hex(weights), RoundCheckpoint.Sha256Hex(weights, optimizer)));
            return;
        }
        var state = RoundCheckpoint.ToBytes(weights, optimizer);
        Commitments.Add(new WeightCommitment(step, SafeTensorsWriter.Sha256Hex(weights), RoundCheckpoint.Hash(state)));
        Checkpoints.Add(state);
    }

    /// <summary>The one commit schedule every trainer and replayer follows: every commitEvery steps and always at the round's last step.</summary>
    public static bool IsDue(int commitEvery, int lastStep, int step) => step % commitEvery == 0 || step == lastStep;
}
