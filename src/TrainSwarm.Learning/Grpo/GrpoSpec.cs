namespace TrainSwarm.Learning.Grpo;

/// <summary>
/// GRPO settings (Shao et al. 2024, DeepSeekMath §4.1): each step draws <paramref name="PromptsPerStep"/> prompts, samples
/// <paramref name="GroupSize"/> completions of each at <paramref name="Temperature"/>, and takes <paramref name="InnerEpochs"/>
/// AdamW steps on the clipped objective with the KL penalty (β = <paramref name="KlCoef"/>, DeepSeekMath's 0.04) against the
/// reference policy; ratios are clipped at 1 ± <paramref name="Clip"/> against the sampling policy.
/// </summary>
/// <param name="AdvantageEps">Added to the group's standard deviation before dividing (a group of equal rewards gets advantage 0).</param>
public sealed record GrpoSpec(
    int Steps, int PromptsPerStep = 16, int GroupSize = 8, int MaxNewTokens = 5, double Temperature = 1.0, double Lr = 1e-4,
    double Clip = 0.2, double KlCoef = 0.04, int InnerEpochs = 2, double GradClip = 1.0, double Beta1 = 0.9, double Beta2 = 0.99,
    double WeightDecay = 0.0, float AdvantageEps = 1e-4f)
{
    /// <summary>Throws on a setting that makes no sense.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(PromptsPerStep);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxNewTokens);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(InnerEpochs);
        if (GroupSize < 2) throw new ArgumentException($"a group needs at least 2 completions to compare; got {GroupSize}");
        if (!(Temperature > 0)) throw new ArgumentException("GRPO samples at a positive temperature");
        if (!(Lr > 0) || !(GradClip > 0)) throw new ArgumentException("the learning rate and the gradient clip must be positive");
        if (!(Clip >= 0) || !(KlCoef >= 0) || !(AdvantageEps > 0)) throw new ArgumentException("clip and KL coefficient must be non-negative, eps positive");
    }
}
