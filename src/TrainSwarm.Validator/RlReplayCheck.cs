using TrainSwarm.Daemons;
using TrainSwarm.Learning.Rl;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// The replay check of an rl update, the counterpart of <see cref="ReplayCheck"/>. Static facts first (the job's rollouts, environment
/// steps = rollouts × transitions, the commitEvery schedule), then the chain's end (the last commitment's state is the final weights,
/// and those minus the base encode to exactly the uploaded delta), then the picked commitments are replayed. A PPO run's state
/// between rollouts is more than weights (the environments, their seeds, Adam's moments, the action sampler), so rather than resume
/// from a committed state the replay runs the round again from its start up to the latest picked commitment; the engine's
/// determinism (bitwise for any thread count) makes an honest node's commitments come out exactly. As for image rounds, only a
/// mismatch of the node's own deterministic run is fraud; anything missing is unverifiable (no pay, no slash).
/// </summary>
public sealed class RlReplayCheck(JobSpec spec, byte[] baseModel)
{
    /// <summary>The blob ids the check needs: the final weights the last commitment names.</summary>
    public static IReadOnlyList<string> Needs(TrainingReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        return receipt.Commitments.Count > 0 && receipt.Commitments[^1].State is { } last && BlobId.IsValid(last) ? [last] : [];
    }

    /// <summary>
    /// Checks <paramref name="receipt"/> of the node at <paramref name="slot"/> in round <paramref name="roundIndex"/> (seed
    /// <paramref name="roundSeed"/>), replaying the commitments at <paramref name="picks"/>.
    /// </summary>
    public ReplayOutcome Check(TrainingReceipt receipt, byte[] update, int slot, int roundIndex, ulong roundSeed, IReadOnlyList<int> picks,
        IReadOnlyDictionary<string, byte[]> blobs, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(picks);
        ArgumentNullException.ThrowIfNull(blobs);
        var rl = spec.RlSettings;
        if (receipt.Steps != rl.RolloutsPerRound)
            return ReplayOutcome.Caught("rollouts", $"{rl.RolloutsPerRound}", $"{receipt.Steps}", 0,
                $"the receipt claims {receipt.Steps} rollouts, the job's rounds have {rl.RolloutsPerRound}");
        if (receipt.Samples != (long)receipt.Steps * rl.RolloutSize)
            return ReplayOutcome.Caught("samples", $"{(long)receipt.Steps * rl.RolloutSize}", $"{receipt.Samples}", 0,
                $"the receipt claims {receipt.Samples} environment steps for {receipt.Steps} rollouts of {rl.RolloutSize}");
        var schedule = ReplayPicks.Schedule(spec, receipt.Steps);
        if (!receipt.Commitments.Select(c => c.Step).SequenceEqual(schedule))
            return ReplayOutcome.Caught("commitments", string.Join(",", schedule), string.Join(",", receipt.Commitments.Select(c => c.Step)), 0,
                "the commitments do not follow the job's commitEvery schedule");
        var end = ChainEnd(receipt, update, blobs);
        if (end is not null)
            return end;
        if (picks.Count == 0)
            return ReplayOutcome.Passed(0);

        var until = picks.Max(i => receipt.Commitments[i].Step);
        var seed = RlRoundSpecs.NodeSeed(roundSeed, slot);
        var replay = RlRoundTrainer.Train(baseModel, RlRoundSpecs.From(spec), seed, RlRoundSpecs.TimestepsBefore(spec, roundIndex), until, cancellation);
        foreach (var i in picks.Order())
        {
            var target = receipt.Commitments[i];
            var segment = $"rollouts {(i == 0 ? 0 : receipt.Commitments[i - 1].Step)}-{target.Step}";
            var found = replay.Commitments.FirstOrDefault(c => c.Step == target.Step);
            if (found is null)
                return ReplayOutcome.Unverifiable($"the replay made no commitment at rollout {target.Step}", until);
            if (found.Sha256 != target.Sha256)
                return ReplayOutcome.Caught(segment, target.Sha256, found.Sha256, until, "the replayed weights differ from the commitment");
        }
        return ReplayOutcome.Passed(until);
    }

    private ReplayOutcome? ChainEnd(TrainingReceipt receipt, byte[] update, IReadOnlyDictionary<string, byte[]> blobs) =>
        FinalWeightsCheck.ChainEnd(receipt, update, blobs, baseModel, "rollout", "policy",
            final => RlRoundTrainer.LoadPolicy(final, Environments.Create(spec.RlSettings.Environment), RlRoundSpecs.Ppo(spec)));
}
