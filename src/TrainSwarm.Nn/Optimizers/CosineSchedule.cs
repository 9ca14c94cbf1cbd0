namespace TrainSwarm.Nn.Optimizers;

/// <summary>
/// Linear warm-up then cosine decay, as nanoGPT's get_lr: for step s (0-based) lr = max·(s+1)/(warmup+1) while s &lt; warmup;
/// then max→min along half a cosine until <c>DecaySteps</c>; min afterwards. Computed in double, so it is the same everywhere.
/// </summary>
public sealed record CosineSchedule(double MaxLr, double MinLr, int WarmupSteps, int DecaySteps)
{
    /// <summary>The learning rate for step <paramref name="step"/> (0-based).</summary>
    public double At(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < WarmupSteps) return MaxLr * (step + 1) / (WarmupSteps + 1);
        if (step >= DecaySteps) return MinLr;
        double ratio = (double)(step - WarmupSteps) / Math.Max(1, DecaySteps - WarmupSteps);
        double coeff = 0.5 * (1.0 + Math.Cos(Math.PI * ratio));
        return MinLr + coeff * (MaxLr - MinLr);
    }
}
