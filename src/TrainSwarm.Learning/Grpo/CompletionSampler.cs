using TrainSwarm.Learning.Models;
using TrainSwarm.Tensors;
using TrainSwarm.Tensors.Autograd;

namespace TrainSwarm.Learning.Grpo;

/// <summary>
/// Batched autoregressive completion of many prompts: prompts of equal length run as one batch, each new token drawn from
/// softmax(logits / temperature) of the last position (temperature 0: greedy, ties to the lowest id) until the stop token or
/// the token budget. Draws come from one seeded generator in a fixed order (prompt order within a length, lengths in order of
/// first appearance), so the same model, prompts and seed give the same completions on any thread count.
/// </summary>
public static class CompletionSampler
{
    /// <summary>Completions (the stop token included when reached), one per prompt, in prompt order.</summary>
    public static int[][] Sample(GptModel model, IReadOnlyList<int[]> prompts, int maxNewTokens, int stopToken, double temperature, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNewTokens);
        if (!(temperature >= 0)) throw new ArgumentOutOfRangeException(nameof(temperature), "temperature must be non-negative");
        var completions = new int[prompts.Count][];
        var groups = new List<List<int>>();
        var byLength = new Dictionary<int, List<int>>();
        for (int i = 0; i < prompts.Count; i++)
        {
            int length = prompts[i].Length;
            if (length == 0) throw new ArgumentException($"prompt {i} is empty");
            if (length + maxNewTokens - 1 > model.Config.BlockSize)
                throw new ArgumentException($"a prompt of {length} tokens and {maxNewTokens} new ones do not fit the context of {model.Config.BlockSize}");
            if (!byLength.TryGetValue(length, out var group)) groups.Add(byLength[length] = group = []);
            group.Add(i);
        }
        using var noGrad = GradMode.NoGrad();
        foreach (var group in groups) SampleGroup(model, prompts, group, maxNewTokens, stopToken, temperature, rng, completions);
        return completions;
    }

    private static void SampleGroup(GptModel model, IReadOnlyList<int[]> prompts, List<int> rows, int maxNewTokens, int stopToken, double temperature,
        Rng rng, int[][] completions)
    {
        int b = rows.Count, promptLength = prompts[rows[0]].Length, vocab = model.Config.VocabSize;
        var generated = rows.Select(_ => new List<int>(maxNewTokens)).ToArray();
        var done = new bool[b];
        var probs = new double[vocab];
        for (int n = 0; n < maxNewTokens && done.Contains(false); n++)
        {
            // No KV cache: prompts here are a few tokens long, so recomputing the prefix is cheaper than the bookkeeping.
            int t = promptLength + n;
            var ids = new int[b * t];
            for (int r = 0; r < b; r++)
            {
                prompts[rows[r]].CopyTo(ids, r * t);
                // A finished row keeps running (it is cheaper than re-batching); its extra tokens are never read.
                for (int k = 0; k < n; k++) ids[r * t + promptLength + k] = k < generated[r].Count ? generated[r][k] : stopToken;
            }
            using var scope = TensorScope.Begin();
            var logits = model.Forward(ids, b, t).Span;
            for (int r = 0; r < b; r++)
            {
                if (done[r]) continue;
                var last = logits.Slice((r * t + t - 1) * vocab, vocab);
                int next = temperature == 0 ? ArgMax(last) : Draw(last, temperature, probs, rng);
                generated[r].Add(next);
                done[r] = next == stopToken;
            }
        }
        for (int r = 0; r < b; r++) completions[rows[r]] = [.. generated[r]];
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }

    private static int Draw(ReadOnlySpan<float> logits, double temperature, double[] probs, Rng rng)
    {
        double max = double.NegativeInfinity;
        foreach (float v in logits) max = Math.Max(max, v);
        double sum = 0;
        for (int i = 0; i < logits.Length; i++) sum += probs[i] = Math.Exp((logits[i] - max) / temperature);
        double u = rng.NextDouble() * sum, acc = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            acc += probs[i];
            if (u < acc) return i;
        }
        return ArgMax(logits);
    }
}
