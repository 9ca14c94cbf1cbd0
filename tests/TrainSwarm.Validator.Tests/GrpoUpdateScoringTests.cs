using TrainSwarm.Coordination.Market;
using TrainSwarm.Daemons;
using TrainSwarm.Learning.Grpo;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator.Tests;

/// <summary>
/// Scoring grpo updates: each verdict carries exactly the held-out exact-match counts of the global and of global + delta, measured
/// on the prompts of the evaluation seed, the pay rule follows them, and a zero delta is refused before it is measured. The replay
/// check reproduces an honest round bitwise and catches a receipt whose rewards were made up.
/// </summary>
public class GrpoUpdateScoringTests
{
    private static readonly JobSpec Spec = new()
    {
        Kind = JobKinds.Grpo, Rounds = 1, Seed = 3,
        Grpo = new GrpoJobSpec { PretrainSteps = 40, PretrainBatchSize = 16, TrainPrompts = 200, StepsPerRound = 3, PromptsPerStep = 4, GroupSize = 4,
            Lr = 1e-3, EvalPrompts = 40 },
    };

    private static readonly byte[] Base = ModuleWeights.ToBytes(ArithmeticGrpo.Pretrain(GrpoRoundSpecs.Config(Spec), 2,
        new AnswerPretrainSpec(Spec.GrpoSettings.PretrainSteps, Spec.GrpoSettings.PretrainBatchSize), Spec.Seed).Model);

    private static (CandidateUpdate Candidate, GrpoRoundResult Result, byte[] Final) Node(int slot)
    {
        var result = GrpoRoundTrainer.Train(Base, GrpoRoundSpecs.Round(Spec), 70 + (ulong)slot);
        var update = DeltaCodec.Encode(result.Delta, "f32");
        var final = SafeTensorsWriter.ToBytes(result.Weights);
        var receipt = new TrainingReceipt("j1", "j1-r0", 1, $"node{slot}", BlobId.Of(Base), slot, 3, 70 + (ulong)slot, result.Steps,
            result.Steps * Spec.GrpoSettings.TokensPerStep, result.LossCurve, 1, [new Commitment(3, result.Commitments[^1].Sha256, BlobId.Of(final))],
            BlobId.Of(update), "f32", "arithmetic-2", result.Completions, result.MeanReward, SampledTokens: result.SampledTokens,
            RewardCurve: result.RewardCurve);
        return (new CandidateUpdate(receipt, update, null), result, final);
    }

    [Fact]
    public void Verdicts_carry_the_exact_match_counts_of_base_and_updated_models_on_the_seeds_prompts()
    {
        const ulong evalSeed = 777;
        var nodes = Enumerable.Range(0, 2).Select(Node).ToList();
        var candidates = nodes.Select(n => n.Candidate).ToList();
        // A third delivers a delta of zeros: refused by the contribution check, never measured.
        var zero = DeltaCodec.Encode(nodes[0].Result.Delta.Select(t => NamedArray.F32(t.Name, new float[t.ElementCount], [.. t.Shape])).ToList(), "f32");
        candidates.Add(new CandidateUpdate(candidates[0].Receipt with { Node = "node2", UpdateBlob = BlobId.Of(zero) }, zero, null));

        var scoring = new GrpoUpdateScoring(Spec, Base, evalSeed);
        var scored = scoring.Score(candidates, []);

        var prompts = GrpoRoundSpecs.EvalPrompts(Spec, evalSeed);
        Assert.Equal(40, prompts.Count);
        Assert.NotEqual(prompts.Select(p => p.Prompt), GrpoRoundSpecs.EvalPrompts(Spec, evalSeed + 1).Select(p => p.Prompt));
        var config = GrpoRoundSpecs.Config(Spec);
        var baseCorrect = ExactMatchEvaluator.Evaluate(GrpoRoundTrainer.Load(config, Base), prompts, 5).Correct;
        Assert.Equal(baseCorrect, scoring.Base.Correct);
        for (var i = 0; i < nodes.Count; i++)
        {
            var alone = ExactMatchEvaluator.Evaluate(GrpoRoundTrainer.Load(config, nodes[i].Final), prompts, 5);
            var v = scored[i].Verdict;
            Assert.True(v.Accepted, v.Reason);
            Assert.Equal((baseCorrect, alone.Correct), (v.BaseCorrect, v.UpdatedCorrect));
            Assert.Equal(alone.Accuracy, v.UpdatedAccuracy);
            Assert.Equal(AccuracyQuality.Bps(baseCorrect, alone.Correct), Settlement.QualityBps(v));
        }
        Assert.False(scored[2].Verdict.Accepted);
        Assert.Equal("the delta is all zeros", scored[2].Verdict.Reason);
        Assert.Null(scored[2].Verdict.UpdatedCorrect);
    }

    [Fact]
    public void The_replay_reproduces_an_honest_round_and_catches_made_up_rewards()
    {
        var (candidate, _, final) = Node(1);
        var check = new GrpoReplayCheck(Spec, Base);
        var blobs = new Dictionary<string, byte[]> { [BlobId.Of(final)] = final };
        var honest = check.Check(candidate.Receipt, candidate.Bytes!, 1, 70, [0], blobs);
        Assert.Null(honest.Reason);
        Assert.Equal(3, honest.ReplayedSteps);

        var inflated = candidate.Receipt with { RewardCurve = [.. candidate.Receipt.RewardCurve!.Select(r => r + 0.5)] };
        var caught = check.Check(inflated, candidate.Bytes!, 1, 70, [0], blobs);
        Assert.True(caught.Fraud);
        Assert.Equal("rewards", caught.Segment);

        var moreTokens = check.Check(candidate.Receipt with { Samples = candidate.Receipt.Samples + 1 }, candidate.Bytes!, 1, 70, [], blobs);
        Assert.Equal(("samples", true), (moreTokens.Segment, moreTokens.Fraud));
    }

    [Theory]
    [InlineData(10, 10, 10_000)]
    [InlineData(10, 12, 10_000)]
    [InlineData(10, 7, 7_000)]
    [InlineData(3, 2, 6_666)]
    [InlineData(10, 0, 0)]
    [InlineData(0, 0, 10_000)]
    public void Quality_is_full_unless_accuracy_dropped_then_proportional(int baseCorrect, int updatedCorrect, int bps) =>
        Assert.Equal(bps, AccuracyQuality.Bps(baseCorrect, updatedCorrect));
}
