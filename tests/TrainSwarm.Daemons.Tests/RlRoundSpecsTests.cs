using TrainSwarm.Daemons;
using TrainSwarm.Learning.Rl;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Daemons.Tests;

public class RlRoundSpecsTests
{
    [Fact]
    public void The_wire_defaults_are_the_engines_rl_zoo_defaults()
    {
        // Protocol cannot reference the engine, so RlJobSpec repeats PpoConfig's defaults; they must not drift apart.
        var mapped = RlRoundSpecs.Ppo(new JobSpec { Kind = JobKinds.Rl });
        var engine = new PpoConfig();
        Assert.Equal(
            (engine.Envs, engine.Steps, engine.BatchSize, engine.Epochs, engine.Gamma, engine.GaeLambda, engine.LearningRate, engine.ClipRange,
                engine.LinearSchedule, engine.EntropyCoef, engine.ValueCoef, engine.MaxGradNorm, engine.TotalTimesteps, engine.EvalEpisodes,
                engine.TargetReturn),
            (mapped.Envs, mapped.Steps, mapped.BatchSize, mapped.Epochs, mapped.Gamma, mapped.GaeLambda, mapped.LearningRate, mapped.ClipRange,
                mapped.LinearSchedule, mapped.EntropyCoef, mapped.ValueCoef, mapped.MaxGradNorm, mapped.TotalTimesteps, mapped.EvalEpisodes,
                mapped.TargetReturn));
        Assert.Equal(engine.Hidden, mapped.Hidden);
        Assert.Equal(CartPole.Id, new RlJobSpec().Environment);
        Assert.Equal(new CartPole().MaxEpisodeSteps, new RlJobSpec().MaxEpisodeSteps);
    }

    [Fact]
    public void Round_r_starts_each_node_where_one_process_would_be_after_r_rounds()
    {
        var spec = new JobSpec { Kind = JobKinds.Rl, Rl = new RlJobSpec { RolloutsPerRound = 4 } };
        Assert.Equal((0L, 3L * 4 * 256), (RlRoundSpecs.TimestepsBefore(spec, 0), RlRoundSpecs.TimestepsBefore(spec, 3)));
        Assert.Equal(4, RlRoundSpecs.From(spec).Rollouts);
    }

    [Fact]
    public void Evaluation_seeds_follow_the_audit_secret_the_nodes_do_not_know()
    {
        var a = new string('a', 64);
        var b = new string('b', 64);
        Assert.Equal(RlRoundSpecs.EvalSeed(a, 1), RlRoundSpecs.EvalSeed(a, 2));
        Assert.NotEqual(RlRoundSpecs.EvalSeed(a, 1), RlRoundSpecs.EvalSeed(b, 1));
    }
}
