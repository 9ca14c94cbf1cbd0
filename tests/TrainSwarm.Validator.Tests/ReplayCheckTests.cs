using TrainSwarm.Daemons;
using TrainSwarm.Learning.Data;
using TrainSwarm.Learning.Training;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator.Tests;

public class ReplayCheckTests
{
    private static readonly JobSpec Spec = Synthetic.Spec with { InnerSteps = 6, CommitEvery = 2, BatchSize = 4, Momentum = 0.9 };
    private static readonly LabeledImages Train = Synthetic.Images(80, seed: 4);
    private const ulong RoundSeed = 1234;

    private static (TrainingReceipt Receipt, byte[] Update, Dictionary<string, byte[]> Blobs) Run(int shard, int slot = 0, long? samples = null)
    {
        var split = new DataSplit(Train.Count, Spec.HoldoutFraction, Spec.TrainSamples, Spec.Seed);
        var data = Train.Gather(split.Shard(shard, 2));
        var result = RoundTrainer.Train(Synthetic.BaseModel(), RoundTrainingSpecs.From(Spec), data, RoundSeed + (ulong)slot);
        var update = DeltaCodec.Encode(result.Delta, "f32");
        var receipt = Synthetic.Receipt("node", update, "f32", samples ?? result.Samples) with
        {
            Steps = result.Steps, Commitments = result.Commitments.Select(c => new Commitment(c.Step, c.Sha256, c.State)).ToList(),
        };
        var blobs = result.Checkpoints!.ToDictionary(b => BlobId.Of(b), b => b, StringComparer.Ordinal);
        return (receipt, update, blobs);
    }

    private static ReplayOutcome Check(TrainingReceipt receipt, byte[] update, Dictionary<string, byte[]> blobs, IReadOnlyList<int> picks) =>
        new ReplayCheck(Spec, Synthetic.BaseModel(), Train).Check(receipt, update, 0, 0, 2, RoundSeed, picks, blobs);

    [Fact]
    public void An_honest_update_passes_every_segment_and_is_never_called_fraud()
    {
        var (receipt, update, blobs) = Run(shard: 0);
        var outcome = Check(receipt, update, blobs, [0, 1, 2]);
        Assert.Null(outcome.Reason);
        Assert.False(outcome.Fraud);
        Assert.Equal(6, outcome.ReplayedSteps);
    }

    [Fact]
    public void An_honest_update_whose_states_could_not_be_downloaded_is_rejected_but_not_fraud()
    {
        var (receipt, update, _) = Run(shard: 0);
        var outcome = Check(receipt, update, [], [1]);
        Assert.NotNull(outcome.Reason);
        Assert.False(outcome.Fraud);
    }

    [Fact]
    public void A_state_the_node_withheld_past_its_window_is_fraud_naming_the_segment_and_the_state()
    {
        var (receipt, update, blobs) = Run(shard: 0);
        var start = receipt.Commitments[0].State!;
        blobs.Remove(start);
        var outcome = new ReplayCheck(Spec, Synthetic.BaseModel(), Train)
            .Check(receipt, update, 0, 0, 2, RoundSeed, [1], blobs, withheld: new HashSet<string> { start });

        Assert.True(outcome.Fraud);
        Assert.Equal(("steps 2-4", start, "not supplied"), (outcome.Segment, outcome.Expected, outcome.Found));
        Assert.Contains($"within {Spec.StateWindow} s", outcome.Reason, StringComparison.Ordinal);
        // A segment from the base needs no state: withholding cannot hurt an update whose picks do not need it.
        Assert.Null(new ReplayCheck(Spec, Synthetic.BaseModel(), Train)
            .Check(receipt, update, 0, 0, 2, RoundSeed, [0], blobs, withheld: new HashSet<string> { start }).Reason);
    }

    [Fact]
    public void Only_picked_segment_starts_are_requested_the_first_segment_and_the_last_state_never_are()
    {
        var (receipt, _, _) = Run(shard: 0);
        Assert.Equal([receipt.Commitments[0].State!, receipt.Commitments[1].State!], ReplayCheck.Requested(receipt, [0, 1, 2]));
        Assert.Empty(ReplayCheck.Requested(receipt, [0]));
        Assert.Contains(receipt.Commitments[^1].State!, ReplayCheck.Needs(receipt, [0]));
    }

    [Fact]
    public void Training_on_another_shard_fails_the_replay_with_the_segment_and_both_hashes()
    {
        var (receipt, update, blobs) = Run(shard: 1);
        var outcome = Check(receipt, update, blobs, [0]);
        Assert.True(outcome.Fraud);
        Assert.Equal("steps 0-2", outcome.Segment);
        Assert.Equal(receipt.Commitments[0].Sha256, outcome.Expected);
        Assert.NotEqual(outcome.Expected, outcome.Found);
    }

    [Fact]
    public void Lying_about_the_sample_count_is_fraud()
    {
        var (receipt, update, blobs) = Run(shard: 0, samples: 999);
        var outcome = Check(receipt, update, blobs, []);
        Assert.True(outcome.Fraud);
        Assert.Equal("samples", outcome.Segment);
    }

    [Fact]
    public void A_delta_that_is_not_the_last_commitment_minus_the_base_is_fraud()
    {
        var (receipt, _, blobs) = Run(shard: 0);
        var other = DeltaCodec.Encode(Synthetic.GoodDelta(), "f32");
        var outcome = Check(receipt with { UpdateBlob = BlobId.Of(other) }, other, blobs, []);
        Assert.True(outcome.Fraud);
        Assert.Equal("delta", outcome.Segment);
    }

    [Fact]
    public void Picks_follow_the_secret_and_the_share()
    {
        var secret = new string('a', 64);
        Assert.Empty(ReplayPicks.Pick(secret, "n", "b", 100, 0));
        Assert.Equal(100, ReplayPicks.Pick(secret, "n", "b", 100, 10_000).Count);
        var share = Enumerable.Range(0, 200).Sum(i => ReplayPicks.Pick(secret, $"n{i}", "b", 10, 2500).Count) / 2000.0;
        Assert.InRange(share, 0.2, 0.3);
        Assert.NotEqual(ReplayPicks.Pick(secret, "n", "b", 40, 5000), ReplayPicks.Pick(new string('b', 64), "n", "b", 40, 5000));
    }
}
