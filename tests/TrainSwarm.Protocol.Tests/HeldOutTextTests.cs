using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Protocol.Tests;

/// <summary>Each job kind's held-out metric reads the same everywhere: what a round, a verdict and a reward line print, and the gain header.</summary>
public class HeldOutTextTests
{
    private static readonly RoundMetrics Image = new(2.0, 0.5, 1.5, 0.6, 300, 1.6, 0.59, 10_000);

    [Fact]
    public void A_round_reads_in_its_kinds_metric()
    {
        Assert.Equal("holdout loss 2.0000 → 1.5000, holdout accuracy 50.0% → 60.0%, test accuracy 59.0%", HeldOutText.Round(Image, null));
        Assert.Equal("held-out loss 3.0000 → 2.0000, perplexity 20.09 → 7.39 on 4,096 tokens",
            HeldOutText.Round(Image with { BaseHoldoutLoss = 3, HoldoutLoss = 2, HoldoutSamples = 4096 }, JobKinds.Lm));
        Assert.Equal("mean return 22.5 → 131.4 over 100 episodes",
            HeldOutText.Round(Image with { BaseMeanReturn = 22.5, MeanReturn = 131.4, EvalEpisodes = 100 }, JobKinds.Rl));
        Assert.Equal("held-out exact match 49/200 → 59/200 (24.5% → 29.5%)",
            HeldOutText.Round(Image with { BaseHoldoutAccuracy = 0.245, HoldoutAccuracy = 0.295, HoldoutSamples = 200 }, JobKinds.Grpo));
    }

    [Fact]
    public void A_reward_lines_gain_is_in_the_metric_its_kind_is_scored_by()
    {
        var line = new RewardLine("ts1n", true, null, 100, 1000, 0.4, 0.3, 10_000, 5, null, 1);
        Assert.Equal(("0.4000 → 0.3000", "Score (loss gain)"), (HeldOutText.Line(line, JobKinds.Lm), HeldOutText.GainHeader(JobKinds.Lm)));
        Assert.Equal(0.1, HeldOutText.Gain(line, null), 12);
        // A grpo line carries losses of 0: its gain is the held-out prompts it answers exactly that the base did not.
        var grpo = line with { BaseLoss = 0, UpdatedLoss = 0, BaseCorrect = 49, UpdatedCorrect = 59 };
        Assert.Equal((10.0, "49 → 59", "Score (exact-match gain, prompts)", "held-out exact match (correct)"),
            (HeldOutText.Gain(grpo, JobKinds.Grpo), HeldOutText.Line(grpo, JobKinds.Grpo), HeldOutText.GainHeader(JobKinds.Grpo),
                HeldOutText.LineHeader(JobKinds.Grpo)));
        var rl = line with { BaseReturn = 20, UpdatedReturn = 45.5 };
        Assert.Equal((25.5, "20.0 → 45.5", "Score (return gain)"),
            (HeldOutText.Gain(rl, JobKinds.Rl), HeldOutText.Line(rl, JobKinds.Rl), HeldOutText.GainHeader(JobKinds.Rl)));
    }
}
