using TrainSwarm.Coordination.Market;
using TrainSwarm.Daemons;
using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator.Tests;

/// <summary>
/// The replay check and the held-out scoring of an lm round: gpt-tiny, 6 steps of 2 × 16 tokens, a commitment every 3 steps, on a
/// seeded synthetic corpus (a repeating byte pattern, so a few steps visibly lower its loss).
/// </summary>
public class LmReplayCheckTests
{
    private const ulong RoundSeed = 41;
    private const int Slot = 1;
    private const int RoundIndex = 1;

    private static readonly JobSpec Spec = new()
    {
        Kind = JobKinds.Lm, Rounds = 2, CommitEvery = 3, Seed = 3,
        Lm = new LmJobSpec { SeqLen = 16, BatchSize = 2, InnerSteps = 6, WarmupSteps = 0, MaxLr = 3e-3, EvalWindows = 8 },
    };

    private static readonly TokenCorpus Corpus = Synthetic();
    private static readonly byte[] Base = ModuleWeights.ToBytes(new GptModel(LmRoundSpecs.Config(Spec), Spec.Seed));

    private static TokenCorpus Synthetic()
    {
        var rng = new Tensors.Rng(9);
        int[] Text(int n) => Enumerable.Range(0, n).Select(i => "the cat sat on the mat. "[(i + rng.NextInt(2)) % 24]).Select(c => (int)c).ToArray();
        return new TokenCorpus("synthetic", Text(4000), Text(400), 1);
    }

    // What an honest node in slot 1 of 2 delivers: its update, its states and its receipt.
    private static (byte[] Update, RoundTrainingResult Result, TrainingReceipt Receipt) Honest()
    {
        var result = LmRoundTrainer.Train(Base, LmRoundSpecs.For(Spec, RoundIndex), Corpus.Shard(2, Slot), RoundSeed + Slot);
        var update = DeltaCodec.Encode(result.Delta, "f32");
        var receipt = new TrainingReceipt("j1", "j1-r1", 1, "node", BlobId.Of(Base), Slot, 2, RoundSeed + Slot, result.Steps, result.Samples,
            result.LossCurve, 1, result.Commitments.Select(c => new Commitment(c.Step, c.Sha256, c.State)).ToList(), BlobId.Of(update), "f32", "fortunes");
        return (update, result, receipt);
    }

    private static ReplayOutcome Check(byte[] update, RoundTrainingResult result, TrainingReceipt receipt, IReadOnlyList<int> picks) =>
        new ReplayCheck(Spec, Base, new LmReplayTrainer(Spec, Corpus, RoundIndex)).Check(receipt, update, Slot, Slot, 2, RoundSeed, picks,
            result.Checkpoints!.ToDictionary(b => BlobId.Of(b), b => b));

    [Fact]
    public void An_honest_segment_reproduces_the_next_commitment_bitwise()
    {
        var (update, result, receipt) = Honest();
        Assert.Equal([3, 6], receipt.Commitments.Select(c => c.Step));
        Assert.Equal(6L * 2 * 16, receipt.Samples);
        var outcome = Check(update, result, receipt, [0, 1]);
        Assert.Null(outcome.Reason);
        Assert.Equal(6, outcome.ReplayedSteps);
    }

    [Fact]
    public void A_tampered_commitment_or_token_count_is_fraud()
    {
        var (update, result, receipt) = Honest();
        var first = receipt.Commitments[0];
        var forged = receipt with { Commitments = [first with { Sha256 = new string('0', 64) }, receipt.Commitments[1]] };
        var caught = Check(update, result, forged, [0]);
        Assert.True(caught.Fraud);
        Assert.Equal("steps 0-3", caught.Segment);
        Assert.StartsWith("replay failed: the replayed weights differ from the commitment", caught.Reason, StringComparison.Ordinal);

        var lying = Check(update, result, receipt with { Samples = receipt.Samples + 1 }, []);
        Assert.True(lying.Fraud);
        Assert.Equal("samples", lying.Segment);
    }

    [Fact]
    public void A_segment_trained_on_another_shard_fails_its_replay()
    {
        var other = LmRoundTrainer.Train(Base, LmRoundSpecs.For(Spec, RoundIndex), Corpus.Shard(2, 0), RoundSeed + Slot);
        var update = DeltaCodec.Encode(other.Delta, "f32");
        var (_, _, honest) = Honest();
        var receipt = honest with
        {
            UpdateBlob = BlobId.Of(update),
            Commitments = other.Commitments.Select(c => new Commitment(c.Step, c.Sha256, c.State)).ToList(),
        };
        var caught = Check(update, other, receipt, [1]);
        Assert.True(caught.Fraud);
        Assert.Equal("steps 3-6", caught.Segment);
    }

    [Fact]
    public void Scoring_pays_full_for_a_lower_held_out_loss_and_less_for_a_higher_one()
    {
        var (update, result, receipt) = Honest();
        var scoring = new LmUpdateScoring(Spec, Base, Corpus.HeldOut);
        var good = scoring.Score([new CandidateUpdate(receipt, update, null)], [])[0].Verdict;
        // From the trained weights, the way back to the untrained base is an update that raises the loss.
        var trained = SafeTensorsWriter.ToBytes(result.Weights);
        var back = DeltaCodec.Decode(update, out _).Select(t => NamedArray.F32(t.Name, t.AsF32().Select(v => -v).ToArray(), t.Shape.ToArray())).ToList();
        var harmful = DeltaCodec.Encode(back, "f32");
        var bad = new LmUpdateScoring(Spec, trained, Corpus.HeldOut)
            .Score([new CandidateUpdate(receipt with { Node = "bad", UpdateBlob = BlobId.Of(harmful) }, harmful, null)], [])[0].Verdict;
        Assert.True(good.Accepted && bad.Accepted, $"{good.Reason} / {bad.Reason}");
        Assert.True(good.UpdatedLoss < good.BaseLoss, $"helpful update: {good.BaseLoss} -> {good.UpdatedLoss}");
        Assert.True(bad.UpdatedLoss > bad.BaseLoss, $"harmful update: {bad.BaseLoss} -> {bad.UpdatedLoss}");
        Assert.Equal(8 * 16, (int)scoring.Base.Tokens);
        Assert.Equal(Settlement.FullBps, Settlement.QualityBps(good));
        Assert.Equal((int)Math.Floor(10_000 * bad.BaseLoss / bad.UpdatedLoss), Settlement.QualityBps(bad));
    }
}
