using System.Globalization;

namespace TrainSwarm.Learning.Grpo;

/// <summary>One addition or subtraction of non-negative integers, written as text: "12+345=" with the exact answer "357".</summary>
public sealed record ArithmeticProblem(int Left, char Operator, int Right)
{
    /// <summary>The prompt the model sees: "12+345=".</summary>
    public string Prompt => string.Create(CultureInfo.InvariantCulture, $"{Left}{Operator}{Right}=");

    /// <summary>The exact answer in decimal, a leading '-' when a subtraction goes below zero: "357", "-333".</summary>
    public string Answer => (Operator switch
    {
        '+' => (long)Left + Right,
        '-' => (long)Left - Right,
        _ => throw new InvalidOperationException($"unknown operator '{Operator}'"),
    }).ToString(CultureInfo.InvariantCulture);

    /// <summary>The supervised line for format pre-training: prompt, answer, newline ("12+345=357\n").</summary>
    public string Line => Prompt + Answer + "\n";

    /// <summary>As GRPO and the validator take it.</summary>
    public VerifiablePrompt ToPrompt() => new(Prompt, Answer);
}
