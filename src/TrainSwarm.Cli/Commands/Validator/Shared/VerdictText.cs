using System.Globalization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Validator;

/// <summary>
/// How the validator daemon's log states a verdict and a posted result, in the job kind's own figure: holdout loss and accuracy
/// (image), held-out loss (lm), mean evaluation return (rl), held-out exact match (grpo).
/// </summary>
internal static class VerdictText
{
    /// <summary>"accepted ts1…: …, norm 0.1234, 6,400 samples, weight 0.500", or "rejected ts1…: why".</summary>
    public static string Verdict(UpdateVerdict v, JobSpec? spec)
    {
        if (!v.Accepted)
            return $"rejected {v.Node}: {v.Reason}";
        var tail = $"norm {F(v.Norm, 4)}, {v.Samples.ToString("N0", CultureInfo.InvariantCulture)} {SamplesName(v, spec)}, weight {F(v.Weight, 3)}";
        if (v.UpdatedReturn is { } updated)
            return $"accepted {v.Node}: mean return {F(v.BaseReturn ?? 0, 1)} → {F(updated, 1)}, {tail}";
        if (v.UpdatedCorrect is { } correct)
            return $"accepted {v.Node}: held-out exact match {v.BaseCorrect ?? 0} → {correct} correct " +
                   $"({P(v.BaseAccuracy, 1)} → {P(v.UpdatedAccuracy, 1)}), {tail}";
        if (spec?.IsLm == true)
            return $"accepted {v.Node}: held-out loss {F(v.BaseLoss, 4)} → {F(v.UpdatedLoss, 4)}, {tail}";
        return $"accepted {v.Node}: holdout loss {F(v.BaseLoss, 4)} → {F(v.UpdatedLoss, 4)}, " +
               $"accuracy {P(v.BaseAccuracy, 2)} → {P(v.UpdatedAccuracy, 2)}, {tail}";
    }

    /// <summary>"posted: 2/2 accepted; …; new model abcdef012345…", the new global's figures in the kind's terms.</summary>
    public static string Posted(RoundResult result, JobSpec? spec)
    {
        var m = result.Metrics;
        var accepted = result.Verdicts.Count(v => v.Accepted);
        if (accepted == 0)
            return $"posted: no update accepted ({result.Verdicts.Count} rejected); the base model stays and the round is retried";
        var figures = m.MeanReturn is { } mean ? $"mean return {F(m.BaseMeanReturn ?? 0, 1)} → {F(mean, 1)} over {m.EvalEpisodes} episodes"
            : spec?.IsGrpo == true ? $"held-out exact match {Job.JobText.ExactMatch(m)}"
            : spec?.IsLm == true ? $"held-out loss {F(m.BaseHoldoutLoss, 4)} → {F(m.HoldoutLoss, 4)} on {m.HoldoutSamples:N0} tokens"
            : $"holdout accuracy {P(m.BaseHoldoutAccuracy, 2)} → {P(m.HoldoutAccuracy, 2)} (loss {F(m.HoldoutLoss, 4)}), " +
              $"test accuracy {P(m.TestAccuracy, 2)} (loss {F(m.TestLoss, 4)})";
        return $"posted: {accepted}/{result.Verdicts.Count} accepted; {figures}; new model {result.NewModel[..12]}…";
    }

    // What an update's samples count: env steps (rl), sequence tokens (grpo), tokens (lm), images.
    private static string SamplesName(UpdateVerdict v, JobSpec? spec) =>
        v.UpdatedReturn is not null || spec?.IsRl == true ? "env steps"
        : v.UpdatedCorrect is not null || spec?.IsGrpo == true ? "sequence tokens"
        : spec?.IsLm == true ? "tokens" : "samples";

    private static string F(double value, int digits) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string P(double fraction, int digits) => F(100 * fraction, digits) + "%";
}
