using TrainSwarm.Daemons;
using TrainSwarm.Learning.Rl;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator.Tests;

/// <summary>The rl replay check on a small PPO round (4 rollouts of 4 × 16 transitions, a commitment every 2 rollouts).</summary>
public class RlReplayCheckTests
{
    private const ulong RoundSeed = 77;
    private const int Slot = 1;
    private const int RoundIndex = 1;

    private static readonly JobSpec Spec = new()
    {
        Kind = JobKinds.Rl, Rounds = 2, CommitEvery = 2, Seed = 5,
        Rl = new RlJobSpec { Envs = 4, Steps = 16, BatchSize = 64, Epochs = 2, RolloutsPerRound = 4 },
    };

    private static readonly byte[] Base = RlRoundTrainer.InitialPolicy(Spec.RlSettings.Environment, RlRoundSpecs.Ppo(Spec), Spec.Seed);

    // What an honest node delivers: its update, its final weights blob and its receipt.
    private static (byte[] Update, byte[] Final, TrainingReceipt Receipt) Honest()
    {
        var result = RlRoundTrainer.Train(Base, RlRoundSpecs.From(Spec), RlRoundSpecs.NodeSeed(RoundSeed, Slot),
            RlRoundSpecs.TimestepsBefore(Spec, RoundIndex));
        var final = SafeTensorsWriter.ToBytes(result.Weights);
        var update = DeltaCodec.Encode(result.Delta, "f32");
        return (update, final, Receipt(result.Commitments, BlobId.Of(update), BlobId.Of(final), result.Rollouts, result.EnvSteps));
    }

    private static TrainingReceipt Receipt(IReadOnlyList<WeightCommitment> commitments, string update, string final, int rollouts, long steps) =>
        new("j1", "j1-r1", 1, "node", BlobId.Of(Base), 0, 1, RoundSeed + Slot, rollouts, steps, [0.1f], 1,
            commitments.Select((c, i) => new Commitment(c.Step, c.Sha256, i == commitments.Count - 1 ? final : null)).ToList(), update, "f32",
            "CartPole-v1");

    private static ReplayOutcome Check(byte[] update, byte[] final, TrainingReceipt receipt, IReadOnlyList<int> picks) =>
        new RlReplayCheck(Spec, Base).Check(receipt, update, Slot, RoundIndex, RoundSeed, picks,
            new Dictionary<string, byte[]> { [BlobId.Of(final)] = final });

    [Fact]
    public void An_honest_round_replays_bitwise_from_its_start()
    {
        var (update, final, receipt) = Honest();
        Assert.Equal([2, 4], receipt.Commitments.Select(c => c.Step));
        var outcome = Check(update, final, receipt, [0, 1]);
        Assert.Null(outcome.Reason);
        Assert.Equal(4, outcome.ReplayedSteps);
        Assert.Null(Check(update, final, receipt, []).Reason);
    }

    [Fact]
    public void A_false_commitment_or_claim_is_fraud()
    {
        var (update, final, receipt) = Honest();
        var wrong = receipt with { Commitments = [receipt.Commitments[0] with { Sha256 = new string('0', 64) }, receipt.Commitments[1]] };
        var caught = Check(update, final, wrong, [0]);
        Assert.Equal((true, "rollouts 0-2"), (caught.Fraud, caught.Segment));
        var samples = Check(update, final, receipt with { Samples = receipt.Samples * 2 }, []);
        Assert.Equal((true, "samples"), (samples.Fraud, samples.Segment));
    }

    [Fact]
    public void A_flipped_delta_with_a_consistent_chain_end_is_caught_only_by_replaying_its_last_segment()
    {
        var (update, _, receipt) = Honest();
        var baseWeights = SafeTensorsReader.Read(Base).Tensors;
        var delta = DeltaCodec.Decode(update, out _).ToDictionary(d => d.Name, StringComparer.Ordinal);
        var flipped = baseWeights.Select(b =>
        {
            var values = b.AsF32().ToArray();
            var d = delta[b.Name].AsF32();
            for (var i = 0; i < values.Length; i++)
                values[i] -= d[i];
            return NamedArray.F32(b.Name, values, [.. b.Shape]);
        }).ToList();
        var final = SafeTensorsWriter.ToBytes(flipped);
        var badUpdate = DeltaCodec.Encode(DeltaCodec.Difference(flipped, baseWeights), "f32");
        var lie = Receipt([new WeightCommitment(2, receipt.Commitments[0].Sha256), new WeightCommitment(4, BlobId.Of(final))], BlobId.Of(badUpdate),
            BlobId.Of(final), 4, receipt.Samples);
        Assert.Null(Check(badUpdate, final, lie, [0]).Reason);
        var caught = Check(badUpdate, final, lie, [1]);
        Assert.Equal((true, "rollouts 2-4"), (caught.Fraud, caught.Segment));
        // The honest final weights with the flipped upload break the chain's end at once.
        var (_, honestFinal, _) = Honest();
        var honestEnd = new Commitment(4, BlobId.Of(honestFinal), BlobId.Of(honestFinal));
        var mismatch = Check(badUpdate, honestFinal, lie with { Commitments = [lie.Commitments[0], honestEnd] }, []);
        Assert.Equal((true, "delta"), (mismatch.Fraud, mismatch.Segment));
    }
}
