using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Rl;

/// <summary>
/// The loss of one PPO minibatch, as stable_baselines3 PPO.train builds it:
/// clipped surrogate(log π(a|s), old log-prob, A, clip) + vf_coef · MSE(V(s), returns) + ent_coef · (-mean entropy).
/// </summary>
public static class PpoLoss
{
    /// <summary>
    /// Records the loss for backward. observations: (B, O), actions/oldLogProbs/advantages/returns: (B); advantages are used as given
    /// (normalize them first with <see cref="NormalizeAdvantages"/>).
    /// </summary>
    public static PpoLossTerms Compute(ActorCritic model, Tensor observations, ReadOnlySpan<int> actions, ReadOnlySpan<float> oldLogProbs,
        ReadOnlySpan<float> advantages, Tensor returns, float clipRange, float valueCoef, float entropyCoef)
    {
        // logits (B, A) -> log-probabilities (B), entropies (B); values (B, 1) against returns (B, 1)
        var logits = model.Forward(observations);
        var logProb = Ops.CategoricalLogProb(logits, actions);
        var entropy = Ops.CategoricalEntropy(logits);
        var values = model.ValueOf(observations);
        var policyLoss = Ops.ClippedSurrogate(logProb, oldLogProbs, advantages, clipRange);
        var valueLoss = Ops.MseLoss(values, returns);
        var loss = Ops.Add(policyLoss, Ops.Scale(valueLoss, valueCoef));
        if (entropyCoef != 0) loss = Ops.Add(loss, Ops.Scale(Ops.Mean(entropy), -entropyCoef));
        return new PpoLossTerms(loss, policyLoss, valueLoss, logProb, entropy);
    }

    /// <summary>(a - mean) / (std + 1e-8) in place, with the unbiased standard deviation as torch's Tensor.std; one element is left as is.</summary>
    public static void NormalizeAdvantages(Span<float> a)
    {
        if (a.Length < 2) return;
        double mean = 0;
        foreach (float v in a) mean += v;
        mean /= a.Length;
        double ss = 0;
        foreach (float v in a) ss += (v - mean) * (v - mean);
        double std = Math.Sqrt(ss / (a.Length - 1));
        for (int i = 0; i < a.Length; i++) a[i] = (float)((a[i] - mean) / (std + 1e-8));
    }
}

/// <summary>The total loss (scalar, recorded for backward) and its parts: policy and value losses (scalars), log-probabilities and entropies (B).</summary>
public readonly record struct PpoLossTerms(Tensor Loss, Tensor PolicyLoss, Tensor ValueLoss, Tensor LogProb, Tensor Entropy);
