using TrainSwarm.Learning.Models;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Training;

/// <summary>
/// Autoregressive sampling from a <see cref="GptModel"/>: each new token is drawn from softmax(logits / temperature) of the
/// last position, optionally restricted to the top k, with a seeded generator (the same seed gives the same text). The
/// context is cropped to the model's block size. Temperature 0 means greedy (argmax; ties go to the lowest id).
/// </summary>
public static class LmSampler
{
    public static int[] Generate(GptModel model, ReadOnlySpan<int> prompt, int maxNewTokens, ulong seed, double temperature = 1.0,
        int topK = 0, int? stopAt = null)
    {
        if (prompt.Length == 0) throw new ArgumentException("the prompt needs at least one token");
        ArgumentOutOfRangeException.ThrowIfNegative(maxNewTokens);
        if (temperature < 0) throw new ArgumentOutOfRangeException(nameof(temperature), "temperature must be non-negative");
        var rng = new Rng(seed);
        var ids = new List<int>(prompt.ToArray());
        int vocab = model.Config.VocabSize;
        var probs = new double[vocab];
        using var noGrad = GradMode.NoGrad();
        for (int n = 0; n < maxNewTokens; n++)
        {
            int start = Math.Max(0, ids.Count - model.Config.BlockSize), t = ids.Count - start;
            int next;
            using (TensorScope.Begin())
            {
                var logits = model.Forward(ids.GetRange(start, t).ToArray(), 1, t).Span.Slice((t - 1) * vocab, vocab);
                next = temperature == 0 ? ArgMax(logits) : Draw(logits, temperature, topK, probs, rng);
            }
            ids.Add(next);
            if (next == stopAt) break;
        }
        return [.. ids.Skip(prompt.Length)];
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    private static int Draw(ReadOnlySpan<float> logits, double temperature, int topK, double[] probs, Rng rng)
    {
        double cutoff = double.NegativeInfinity;
        if (topK > 0 && topK < logits.Length)
        {
            var sorted = logits.ToArray();
            Array.Sort(sorted);
            cutoff = sorted[^topK];
        }
        double max = double.NegativeInfinity;
        foreach (float v in logits) max = Math.Max(max, v);
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
            sum += probs[i] = logits[i] < cutoff ? 0 : Math.Exp((logits[i] - max) / temperature);
        double u = rng.NextDouble() * sum, acc = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            acc += probs[i];
            if (u < acc) return i;
        }
        return ArgMax(logits);
    }
}
