using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Daemons.Tests;

public class LmRoundSpecsTests
{
    private static readonly JobSpec Spec = new()
    {
        Kind = JobKinds.Lm, Rounds = 4, CommitEvery = 10, Lm = new LmJobSpec { InnerSteps = 50, SeqLen = 32, BatchSize = 4, WarmupSteps = 5 },
    };

    [Fact]
    public void The_lm_rules_name_the_presets_contexts() =>
        Assert.All(LmJobSpecRules.Contexts, p => Assert.Equal(GptConfig.Preset(p.Key, ByteTokenizer.VocabSize).BlockSize, p.Value));

    [Fact]
    public void Round_r_starts_at_r_times_H_of_one_schedule_over_the_job()
    {
        var round2 = LmRoundSpecs.For(Spec, 2);
        Assert.Equal((4, 32, 50, 100, 200), (round2.Training.BatchSize, round2.Training.SeqLen, round2.Training.Steps,
            round2.Training.ScheduleOffset, round2.Training.DecaySteps!.Value));
        Assert.Equal(10, round2.CommitEvery);
        // Round 0's schedule warms up; round 3's ends near the minimum.
        Assert.True(LmRoundSpecs.For(Spec, 0).Training.Schedule.At(0) < Spec.LmSettings.MaxLr / 2);
        Assert.True(round2.Training.Schedule.At(199) < Spec.LmSettings.MaxLr / 5);
        Assert.Equal(new GptConfig(ByteTokenizer.VocabSize, 128, 4, 4, 144), round2.Config);
    }

    [Fact]
    public void Another_corpus_is_refused_with_the_ones_there_are() =>
        Assert.Equal("corpus 'wikipedia' is not one of fortunes", Assert.Throws<NotSupportedException>(() => LmRoundSpecs.Corpus("wikipedia")).Message);
}
