using TrainSwarm.Cli.Commands.Validator;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Tests.Validator;

/// <summary>The validator daemon's per-update and per-result log lines, in each job kind's own figure.</summary>
public sealed class VerdictTextTests
{
    private const string Node = "ts1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private static readonly JobSpec Image = new();
    private static readonly JobSpec Lm = new() { Kind = JobKinds.Lm };
    private static readonly JobSpec Rl = new() { Kind = JobKinds.Rl };
    private static readonly JobSpec Grpo = new() { Kind = JobKinds.Grpo };

    private static UpdateVerdict Accepted(long samples) => new(Node, "blob", true, null, samples, 25, 0.12345, 2.0, 0.1, 1.5, 0.4, 0.5);

    [Fact]
    public void An_image_verdict_shows_holdout_loss_and_accuracy()
    {
        Assert.Equal($"accepted {Node}: holdout loss 2.0000 → 1.5000, accuracy 10.00% → 40.00%, norm 0.1235, 6,400 samples, weight 0.500",
            VerdictText.Verdict(Accepted(6400), Image));
    }

    [Fact]
    public void An_lm_verdict_shows_held_out_loss_and_no_accuracy()
    {
        var v = Accepted(51_200) with { BaseAccuracy = 0, UpdatedAccuracy = 0 };
        Assert.Equal($"accepted {Node}: held-out loss 2.0000 → 1.5000, norm 0.1235, 51,200 tokens, weight 0.500", VerdictText.Verdict(v, Lm));
    }

    [Fact]
    public void An_rl_verdict_shows_mean_return_and_env_steps()
    {
        var v = Accepted(4096) with { BaseLoss = 0, UpdatedLoss = 0, BaseAccuracy = 0, UpdatedAccuracy = 0, BaseReturn = 21.5, UpdatedReturn = 87.4 };
        Assert.Equal($"accepted {Node}: mean return 21.5 → 87.4, norm 0.1235, 4,096 env steps, weight 0.500", VerdictText.Verdict(v, Rl));
    }

    [Fact]
    public void A_grpo_verdict_shows_held_out_exact_match_not_a_zero_loss()
    {
        var v = Accepted(51_200) with { BaseLoss = 0, UpdatedLoss = 0, BaseAccuracy = 0.245, UpdatedAccuracy = 0.295, BaseCorrect = 49, UpdatedCorrect = 59 };
        var line = VerdictText.Verdict(v, Grpo);
        Assert.Equal($"accepted {Node}: held-out exact match 49 → 59 correct (24.5% → 29.5%), norm 0.1235, 51,200 sequence tokens, weight 0.500", line);
        // Without the round's spec (a verdict seen before its round), the verdict's own fields still say it is grpo.
        Assert.Equal(line, VerdictText.Verdict(v, null));
    }

    [Fact]
    public void A_rejected_verdict_shows_its_reason_whatever_the_kind()
    {
        var v = new UpdateVerdict(Node, "blob", false, "norm too large", 6400, 25, 9.0, 0, 0, 0, 0, 0);
        Assert.Equal($"rejected {Node}: norm too large", VerdictText.Verdict(v, Grpo));
    }

    private static RoundResult Result(RoundMetrics metrics, params UpdateVerdict[] verdicts) =>
        new("j0123456789ab-r0", 1, "ts1v", new string('a', 64), "0123456789abcdef" + new string('b', 48), "fedavg", null, verdicts, metrics);

    [Fact]
    public void A_posted_result_shows_the_kinds_figure()
    {
        var ok = Accepted(1);
        var rejected = ok with { Accepted = false, Reason = "stale" };
        Assert.Equal("posted: 1/2 accepted; held-out exact match 49/200 → 59/200 (24.5% → 29.5%); new model 0123456789ab…",
            VerdictText.Posted(Result(new RoundMetrics(0, 0.245, 0, 0.295, 200, 0, 0.295, 200), ok, rejected), Grpo));
        Assert.Equal("posted: 1/1 accepted; held-out loss 5.5000 → 4.2500 on 8,192 tokens; new model 0123456789ab…",
            VerdictText.Posted(Result(new RoundMetrics(5.5, 0, 4.25, 0, 8192, 4.25, 0, 8192), ok), Lm));
        Assert.Equal("posted: 1/1 accepted; mean return 21.5 → 87.4 over 10 episodes; new model 0123456789ab…",
            VerdictText.Posted(Result(new RoundMetrics(0, 0, 0, 0, 0, 0, 0, 0, 21.5, 87.4, 10), ok), Rl));
        Assert.Equal("posted: 1/1 accepted; holdout accuracy 10.00% → 40.00% (loss 1.5000), test accuracy 37.50% (loss 1.6000); new model 0123456789ab…",
            VerdictText.Posted(Result(new RoundMetrics(2.0, 0.1, 1.5, 0.4, 500, 1.6, 0.375, 1000), ok), Image));
        Assert.Equal("posted: no update accepted (1 rejected); the base model stays and the round is retried",
            VerdictText.Posted(Result(new RoundMetrics(0, 0, 0, 0, 0, 0, 0, 0), rejected), Grpo));
    }
}
