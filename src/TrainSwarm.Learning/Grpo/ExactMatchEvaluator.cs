using TrainSwarm.Learning.Models;
using TrainSwarm.Learning.Text;
using TrainSwarm.Tensors;

namespace TrainSwarm.Learning.Grpo;

/// <summary>Exact-match accuracy of greedy decoding: how many held-out prompts the model answers exactly, and how many in format.</summary>
public readonly record struct ExactMatchResult(int Correct, int WellFormed, int Total)
{
    /// <summary>Correct / Total.</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;

    /// <summary>WellFormed / Total.</summary>
    public double FormatRate => Total == 0 ? 0 : (double)WellFormed / Total;
}

/// <summary>
/// What a grpo validator measures: greedy (temperature 0) completion of each prompt, stopped at the newline, scored by
/// <see cref="VerifiableReward"/>. No randomness, so every validator gets the same number for the same weights.
/// </summary>
public static class ExactMatchEvaluator
{
    private const int Newline = '\n';

    public static ExactMatchResult Evaluate(GptModel model, IReadOnlyList<VerifiablePrompt> prompts, int maxNewTokens)
    {
        if (prompts.Count == 0) throw new ArgumentException("exact match needs at least one prompt");
        var encoded = prompts.Select(p => ByteTokenizer.Encode(p.Prompt)).ToList();
        // Greedy decoding never draws, so the generator's seed is irrelevant.
        var completions = CompletionSampler.Sample(model, encoded, maxNewTokens, Newline, temperature: 0, new Rng(0));
        int correct = 0, wellFormed = 0;
        for (int i = 0; i < prompts.Count; i++)
        {
            var score = VerifiableReward.Score(ByteTokenizer.Decode(completions[i]), prompts[i].Answer);
            if (score.Exact) correct++;
            if (score.WellFormed) wellFormed++;
        }
        return new ExactMatchResult(correct, wellFormed, prompts.Count);
    }
}
