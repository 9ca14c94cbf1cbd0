using TrainSwarm.Daemons;
using TrainSwarm.Learning.Grpo;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator;

/// <summary>
/// The replay check of a grpo update, the counterpart of <see cref="RlReplayCheck"/>. Static facts first (the job's steps per round,
/// sequence tokens = steps × prompts × G × the longest sequence, completions = steps × prompts × G, the commitEvery schedule), then
/// the chain's end (<see cref="FinalWeightsCheck"/>), then the picked commitments are replayed. A GRPO run's state between steps is
/// more than weights (the sampler's generator, AdamW's moments), so the replay runs the round again from its start up to the latest
/// picked commitment; the engine's determinism makes an honest node's commitments, and at the round's end its reward curve and
/// sampled tokens, come out exactly. Only a mismatch of the node's own deterministic run is fraud; anything missing is unverifiable.
/// </summary>
public sealed class GrpoReplayCheck(JobSpec spec, byte[] baseModel)
{
    /// <summary>The blob ids the check needs: the final weights the last commitment names.</summary>
    public static IReadOnlyList<string> Needs(TrainingReceipt receipt) => RlReplayCheck.Needs(receipt);

    /// <summary>
    /// Checks <paramref name="receipt"/> of the node at <paramref name="slot"/> (round seed <paramref name="roundSeed"/>), replaying the
    /// commitments at <paramref name="picks"/>.
    /// </summary>
    public ReplayOutcome Check(TrainingReceipt receipt, byte[] update, int slot, ulong roundSeed, IReadOnlyList<int> picks,
        IReadOnlyDictionary<string, byte[]> blobs, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(update);
        ArgumentNullException.ThrowIfNull(picks);
        ArgumentNullException.ThrowIfNull(blobs);
        var g = spec.GrpoSettings;
        if (receipt.Steps != g.StepsPerRound)
            return ReplayOutcome.Caught("steps", $"{g.StepsPerRound}", $"{receipt.Steps}", 0,
                $"the receipt claims {receipt.Steps} GRPO steps, the job's rounds have {g.StepsPerRound}");
        if (receipt.Samples != receipt.Steps * g.TokensPerStep)
            return ReplayOutcome.Caught("samples", $"{receipt.Steps * g.TokensPerStep}", $"{receipt.Samples}", 0,
                $"the receipt claims {receipt.Samples} sequence tokens for {receipt.Steps} steps of {g.TokensPerStep}");
        long completions = (long)receipt.Steps * g.PromptsPerStep * g.GroupSize;
        if (receipt.Episodes != completions)
            return ReplayOutcome.Caught("completions", $"{completions}", $"{receipt.Episodes}", 0,
                $"the receipt claims {receipt.Episodes} completions for {receipt.Steps} steps of {g.PromptsPerStep} × {g.GroupSize}");
        var schedule = ReplayPicks.Schedule(spec, receipt.Steps);
        if (!receipt.Commitments.Select(c => c.Step).SequenceEqual(schedule))
            return ReplayOutcome.Caught("commitments", string.Join(",", schedule), string.Join(",", receipt.Commitments.Select(c => c.Step)), 0,
                "the commitments do not follow the job's commitEvery schedule");
        var config = GrpoRoundSpecs.Config(spec);
        var end = FinalWeightsCheck.ChainEnd(receipt, update, blobs, baseModel, "step", "model", final => GrpoRoundTrainer.Load(config, final));
        if (end is not null)
            return end;
        if (picks.Count == 0)
            return ReplayOutcome.Passed(0);

        var until = picks.Max(i => receipt.Commitments[i].Step);
        var replay = GrpoRoundTrainer.Train(baseModel, GrpoRoundSpecs.Round(spec), RlRoundSpecs.NodeSeed(roundSeed, slot), until, cancellation: cancellation);
        foreach (var i in picks.Order())
        {
            var target = receipt.Commitments[i];
            var segment = $"steps {(i == 0 ? 0 : receipt.Commitments[i - 1].Step)}-{target.Step}";
            var found = replay.Commitments.FirstOrDefault(c => c.Step == target.Step);
            if (found is null)
                return ReplayOutcome.Unverifiable($"the replay made no commitment at step {target.Step}", until);
            if (found.Sha256 != target.Sha256)
                return ReplayOutcome.Caught(segment, target.Sha256, found.Sha256, until, "the replayed weights differ from the commitment");
        }
        // A replay of the whole round also reproduces what the receipt says it sampled and earned.
        if (until == receipt.Steps && receipt.SampledTokens != replay.SampledTokens)
            return ReplayOutcome.Caught("sampled tokens", $"{replay.SampledTokens}", $"{receipt.SampledTokens}", until,
                "the receipt's sampled tokens differ from the replay's");
        if (until == receipt.Steps && (receipt.RewardCurve is null || !receipt.RewardCurve.SequenceEqual(replay.RewardCurve)))
            return ReplayOutcome.Caught("rewards", "the replay's reward curve", "another", until, "the receipt's rewards per step differ from the replay's");
        return ReplayOutcome.Passed(until);
    }
}
