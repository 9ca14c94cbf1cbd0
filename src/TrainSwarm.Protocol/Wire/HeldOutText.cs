using System.Globalization;

namespace TrainSwarm.Protocol.Wire;

/// <summary>
/// The held-out metric every job kind is scored by, as people read it, so the node's log, `swarm round status`, `swarm round
/// rewards` and the dashboard say the same: image, loss and accuracy on the holdout; lm, held-out loss and perplexity (its exp);
/// rl, the mean evaluation return; grpo, exact-match accuracy on the held-out prompts. A kind is a <see cref="JobSpec.Kind"/>
/// (null: image).
/// </summary>
public static class HeldOutText
{
    /// <summary>An update's verdict, base → updated: "held-out loss 5.5586 → 2.9861, perplexity 259.39 → 19.81", and so on.</summary>
    public static string Verdict(UpdateVerdict v, string? kind)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (v.UpdatedReturn is not null || kind == JobKinds.Rl)
            return $"mean return {F(v.BaseReturn ?? 0, 1)} → {F(v.UpdatedReturn ?? 0, 1)}";
        if (v.UpdatedCorrect is not null || kind == JobKinds.Grpo)
            return $"held-out exact match {v.BaseCorrect ?? 0} → {v.UpdatedCorrect ?? 0} correct ({P(v.BaseAccuracy, 1)} → {P(v.UpdatedAccuracy, 1)})";
        if (kind == JobKinds.Lm)
            return $"held-out loss {F(v.BaseLoss, 4)} → {F(v.UpdatedLoss, 4)}, perplexity {F(Math.Exp(v.BaseLoss), 2)} → {F(Math.Exp(v.UpdatedLoss), 2)}";
        return $"holdout loss {F(v.BaseLoss, 4)} → {F(v.UpdatedLoss, 4)}, accuracy {P(v.BaseAccuracy, 1)} → {P(v.UpdatedAccuracy, 1)}";
    }

    /// <summary>A round's new global against its base, in the kind's terms.</summary>
    public static string Round(RoundMetrics m, string? kind)
    {
        ArgumentNullException.ThrowIfNull(m);
        if (m.MeanReturn is not null || kind == JobKinds.Rl)
            return $"mean return {F(m.BaseMeanReturn ?? 0, 1)} → {F(m.MeanReturn ?? 0, 1)} over {m.EvalEpisodes ?? 0} episodes";
        if (kind == JobKinds.Grpo)
            return $"held-out exact match {Correct(m.BaseHoldoutAccuracy, m.HoldoutSamples)} → {Correct(m.HoldoutAccuracy, m.HoldoutSamples)} "
                + $"({P(m.BaseHoldoutAccuracy, 1)} → {P(m.HoldoutAccuracy, 1)})";
        if (kind == JobKinds.Lm)
            return $"held-out loss {F(m.BaseHoldoutLoss, 4)} → {F(m.HoldoutLoss, 4)}, perplexity {F(Math.Exp(m.BaseHoldoutLoss), 2)} → "
                + $"{F(Math.Exp(m.HoldoutLoss), 2)} on {m.HoldoutSamples.ToString("N0", CultureInfo.InvariantCulture)} tokens";
        return $"holdout loss {F(m.BaseHoldoutLoss, 4)} → {F(m.HoldoutLoss, 4)}, holdout accuracy {P(m.BaseHoldoutAccuracy, 1)} → "
            + $"{P(m.HoldoutAccuracy, 1)}, test accuracy {P(m.TestAccuracy, 1)}";
    }

    /// <summary>A reward line's base → updated figure, the column <see cref="LineHeader"/> names: "5.5586 → 2.9861", "49 → 59", "9.4 → 22.1".</summary>
    public static string Line(RewardLine l, string? kind)
    {
        ArgumentNullException.ThrowIfNull(l);
        if (l.UpdatedReturn is not null || kind == JobKinds.Rl)
            return $"{F(l.BaseReturn ?? 0, 1)} → {F(l.UpdatedReturn ?? 0, 1)}";
        if (l.UpdatedCorrect is not null || kind == JobKinds.Grpo)
            return $"{l.BaseCorrect ?? 0} → {l.UpdatedCorrect ?? 0}";
        return $"{F(l.BaseLoss, 4)} → {F(l.UpdatedLoss, 4)}";
    }

    /// <summary>What <see cref="Line"/> shows: "held-out loss", "mean return" or "held-out exact match (correct)".</summary>
    public static string LineHeader(string? kind) => kind switch
    {
        JobKinds.Rl => "mean return",
        JobKinds.Grpo => "held-out exact match (correct)",
        JobKinds.Lm => "held-out loss",
        _ => "holdout loss",
    };

    /// <summary>
    /// How much an update improved the metric its kind is scored by, positive when better: loss fallen (image, lm), mean return
    /// risen (rl), held-out prompts answered exactly gained (grpo).
    /// </summary>
    public static double Gain(RewardLine l, string? kind)
    {
        ArgumentNullException.ThrowIfNull(l);
        if (l.UpdatedReturn is not null || kind == JobKinds.Rl)
            return (l.UpdatedReturn ?? 0) - (l.BaseReturn ?? 0);
        if (l.UpdatedCorrect is not null || kind == JobKinds.Grpo)
            return (l.UpdatedCorrect ?? 0) - (l.BaseCorrect ?? 0);
        return l.BaseLoss - l.UpdatedLoss;
    }

    /// <summary>The header of a column of <see cref="Gain"/>s: "Score (loss gain)", "Score (return gain)", "Score (exact-match gain, prompts)".</summary>
    public static string GainHeader(string? kind) => kind switch
    {
        JobKinds.Rl => "Score (return gain)",
        JobKinds.Grpo => "Score (exact-match gain, prompts)",
        _ => "Score (loss gain)",
    };

    private static string Correct(double accuracy, int n) =>
        Math.Round(accuracy * n).ToString("F0", CultureInfo.InvariantCulture) + "/" + n.ToString(CultureInfo.InvariantCulture);

    private static string F(double value, int digits) => value.ToString("F" + digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);

    private static string P(double fraction, int digits) => F(100 * fraction, digits) + "%";
}
