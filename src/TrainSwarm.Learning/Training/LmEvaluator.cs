using TrainSwarm.Learning.Models;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Training;

/// <summary>Held-out next-token loss (mean cross-entropy, nats per token) and its perplexity exp(loss).</summary>
public readonly record struct LmEvaluation(double Loss, long Tokens)
{
    public double Perplexity => Math.Exp(Loss);
}

/// <summary>
/// Scores a model on held-out text: consecutive, non-overlapping windows of T+1 tokens from the start of the stream (no
/// randomness, so every validator gets the same number), at most <c>maxWindows</c> of them, in batches.
/// </summary>
public static class LmEvaluator
{
    public static LmEvaluation Evaluate(GptModel model, ReadOnlySpan<int> tokens, int seqLen, int batchSize = 8, int maxWindows = 64)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seqLen);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int windows = Math.Min(maxWindows, (tokens.Length - 1) / seqLen);
        if (windows < 1) throw new ArgumentException($"{tokens.Length} held-out tokens are too few for one window of {seqLen + 1}");
        double total = 0;
        long count = 0;
        var inputs = new int[batchSize * seqLen];
        var targets = new int[batchSize * seqLen];
        using var noGrad = GradMode.NoGrad();
        for (int w = 0; w < windows; w += batchSize)
        {
            int b = Math.Min(batchSize, windows - w);
            for (int i = 0; i < b; i++)
            {
                int offset = (w + i) * seqLen;
                tokens.Slice(offset, seqLen).CopyTo(inputs.AsSpan(i * seqLen, seqLen));
                tokens.Slice(offset + 1, seqLen).CopyTo(targets.AsSpan(i * seqLen, seqLen));
            }
            using var scope = TensorScope.Begin();
            var logits = model.Forward(inputs.AsSpan(0, b * seqLen), b, seqLen);
            float loss = Ops.CrossEntropy(logits, targets.AsSpan(0, b * seqLen)).Item();
            total += (double)loss * b * seqLen;
            count += (long)b * seqLen;
        }
        return new LmEvaluation(total / count, count);
    }
}
