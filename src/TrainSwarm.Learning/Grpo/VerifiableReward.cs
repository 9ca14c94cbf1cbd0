namespace TrainSwarm.Learning.Grpo;

/// <summary>How a completion scored: exact match, well-formed, and the reward they add up to.</summary>
public readonly record struct RewardResult(bool Exact, bool WellFormed, float Reward);

/// <summary>
/// The verifiable reward: <see cref="ExactReward"/> when the completion is the answer followed by a newline, plus
/// <see cref="FormatReward"/> when it is an answer-shaped string at all (an optional '-', one or more digits, then the newline
/// that ends it), so early in training a malformed completion scores below a wrong number and the group has signal.
/// </summary>
public static class VerifiableReward
{
    /// <summary>Reward for the exact answer.</summary>
    public const float ExactReward = 1f;

    /// <summary>Reward for an answer-shaped completion, right or wrong.</summary>
    public const float FormatReward = 0.1f;

    /// <summary>Scores <paramref name="completion"/> (the generated text after the prompt, its newline included if generated).</summary>
    public static RewardResult Score(string completion, string answer)
    {
        bool wellFormed = IsWellFormed(completion);
        bool exact = wellFormed && completion.AsSpan(0, completion.Length - 1).SequenceEqual(answer);
        return new RewardResult(exact, wellFormed, (exact ? ExactReward : 0f) + (wellFormed ? FormatReward : 0f));
    }

    /// <summary>'-'? digit+ '\n', and nothing else.</summary>
    public static bool IsWellFormed(string completion)
    {
        if (completion.Length < 2 || completion[^1] != '\n') return false;
        int start = completion[0] == '-' ? 1 : 0;
        if (start == completion.Length - 1) return false;
        for (int i = start; i < completion.Length - 1; i++)
            if (!char.IsAsciiDigit(completion[i])) return false;
        return true;
    }
}
