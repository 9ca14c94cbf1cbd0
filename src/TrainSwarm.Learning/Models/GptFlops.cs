namespace TrainSwarm.Learning.Models;

/// <summary>
/// FLOPs of a <see cref="GptModel"/> per token, exactly, in integers (what an lm quote prices). Counted as the matrix products
/// (2 per multiply-add): every block's QKV, attention output and MLP projections (12 C² weights), the tied LM head (V × C), and
/// the attention itself: with a causal mask the token at position t scores and mixes t + 1 keys, q·kᵀ and the weighted sum of v
/// each 2 C FLOPs per key and layer, so a window of T tokens costs 4 L C × T(T + 1)/2 = 2 L C T(T + 1), i.e. 2 L C (T + 1) a
/// token. Backward costs twice the forward (the gradients of both operands of each product), as in Kaplan et al.'s 6 N per
/// token. Element-wise work (LayerNorm, GELU, softmax, biases) is left out, as those papers do: it is under 2% here.
/// </summary>
public static class GptFlops
{
    /// <summary>Weights that take part in a matrix product per token: L × 12 C² in the blocks plus the V × C head.</summary>
    public static long MatmulParameters(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return checked(config.Layers * 12L * config.Channels * config.Channels + (long)config.VocabSize * config.Channels);
    }

    /// <summary>Forward FLOPs per token of windows of <paramref name="seqLen"/> tokens: 2 N + 2 L C (T + 1).</summary>
    public static long ForwardPerToken(GptConfig config, int seqLen)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seqLen);
        return checked(2 * MatmulParameters(config) + 2L * config.Layers * config.Channels * (seqLen + 1));
    }

    /// <summary>Training FLOPs per token (forward + backward): 3 × <see cref="ForwardPerToken"/> = 6 N + 6 L C (T + 1).</summary>
    public static long TrainingPerToken(GptConfig config, int seqLen) => checked(3 * ForwardPerToken(config, seqLen));

    /// <summary>
    /// FLOPs per sequence token of a GRPO step at sequence length <paramref name="seqLen"/>: sampling counted as one forward per token
    /// (as a KV-cached decoder does it; ours recomputes the short prefix, which the price does not charge), one forward each for the
    /// sampling policy's and the reference's log-probabilities, and <paramref name="innerEpochs"/> forward + backward passes:
    /// (3 + 3 × epochs) × <see cref="ForwardPerToken"/>.
    /// </summary>
    public static long GrpoPerToken(GptConfig config, int seqLen, int innerEpochs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(innerEpochs);
        return checked((3L + 3L * innerEpochs) * ForwardPerToken(config, seqLen));
    }
}
