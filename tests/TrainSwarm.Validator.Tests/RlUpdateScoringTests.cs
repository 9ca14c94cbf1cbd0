using TrainSwarm.Daemons;
using TrainSwarm.Learning.Rl;
using TrainSwarm.Learning.Training;
using TrainSwarm.Nn.Serialization;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator.Tests;

/// <summary>
/// Scoring rl updates side by side (one policy per core) gives each update exactly the mean return its own policy earns when evaluated
/// alone, in candidate order, and leaves a malformed update unscored.
/// </summary>
public class RlUpdateScoringTests
{
    private static readonly JobSpec Spec = new()
    {
        Kind = JobKinds.Rl, Rounds = 2, Seed = 5,
        Rl = new RlJobSpec { Envs = 4, Steps = 16, BatchSize = 64, Epochs = 2, RolloutsPerRound = 2, EvalEpisodes = 12 },
    };

    private static readonly byte[] Base = RlRoundTrainer.InitialPolicy(Spec.RlSettings.Environment, RlRoundSpecs.Ppo(Spec), Spec.Seed);

    [Fact]
    public void Parallel_scores_equal_each_policy_evaluated_alone()
    {
        const ulong evalSeed = 4242;
        var results = Enumerable.Range(0, 4).Select(slot => RlRoundTrainer.Train(Base, RlRoundSpecs.From(Spec), 90 + (ulong)slot, 0)).ToList();
        var candidates = results.Select((r, i) =>
        {
            var update = DeltaCodec.Encode(r.Delta, "f32");
            var receipt = new TrainingReceipt("j1", "j1-r0", 1, $"node{i}", BlobId.Of(Base), i, 4, 90 + (ulong)i, r.Rollouts, r.EnvSteps, [0.1f], 1,
                [], BlobId.Of(update), "f32", "CartPole-v1");
            return new CandidateUpdate(receipt, update, null);
        }).ToList();
        // A fifth that is not an update at all: it is rejected before any evaluation.
        candidates.Add(candidates[0] with { Receipt = candidates[0].Receipt with { Node = "node4" }, Bytes = [1, 2, 3] });

        var scored = new RlUpdateScoring(Spec, Base, evalSeed).Score(candidates, []);

        var env = Environments.Create(Spec.RlSettings.Environment);
        Assert.Equal(candidates.Count, scored.Count);
        for (var i = 0; i < results.Count; i++)
        {
            var alone = PolicyEvaluator.Evaluate(RlRoundTrainer.LoadPolicy(SafeTensorsWriter.ToBytes(results[i].Weights), env, RlRoundSpecs.Ppo(Spec)),
                env, Spec.RlSettings.EvalEpisodes, evalSeed).MeanReturn;
            Assert.Equal($"node{i}", scored[i].Verdict.Node);
            Assert.True(scored[i].Verdict.Accepted, scored[i].Verdict.Reason);
            Assert.Equal(alone, scored[i].Verdict.UpdatedReturn);
        }
        Assert.False(scored[^1].Verdict.Accepted);
        Assert.Null(scored[^1].Verdict.UpdatedReturn);
    }
}
