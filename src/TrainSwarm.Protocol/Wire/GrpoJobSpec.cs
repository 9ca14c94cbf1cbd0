namespace TrainSwarm.Protocol.Wire;

/// <summary>
/// What a <c>grpo</c> job fine-tunes: a small GPT, first pre-trained on the arithmetic task's format (by the coordinator at submit,
/// from the job's seed), then rounds of GRPO with verifiable rewards: each node runs <see cref="StepsPerRound"/> GRPO steps from the
/// global policy (the round's KL reference) and the validator scores by greedy exact match on held-out prompts. The defaults are
/// those of <c>swarm train --preset grpo</c> (<c>TrainSwarm.Learning.Grpo.ArithmeticGrpoSettings.Preset</c>; Protocol cannot
/// reference the engine, so a test checks the two agree).
/// </summary>
public sealed record GrpoJobSpec
{
    /// <summary>The preset's GPT: 2 layers, 4 heads, width 64, context 32 (118,592 parameters).</summary>
    public const string GrpoTiny = "grpo-tiny";

    /// <summary>The model preset (<c>grpo-tiny</c>, or the lm presets <c>gpt-tiny</c>, <c>gpt-small</c>).</summary>
    public string Preset { get; init; } = GrpoTiny;

    /// <summary>Difficulty: addition and subtraction of operands below 10^digits.</summary>
    public int Digits { get; init; } = 2;

    /// <summary>Supervised pre-training steps on the answers of training problems, run once at submit (the initial model).</summary>
    public int PretrainSteps { get; init; } = 1500;

    /// <summary>Problems per pre-training step.</summary>
    public int PretrainBatchSize { get; init; } = 64;

    /// <summary>Training prompts GRPO draws from (from the job's seed; disjoint from the held-out ones by construction).</summary>
    public int TrainPrompts { get; init; } = 5000;

    /// <summary>G: completions sampled per prompt.</summary>
    public int GroupSize { get; init; } = 8;

    /// <summary>Prompts drawn per GRPO step.</summary>
    public int PromptsPerStep { get; init; } = 16;

    /// <summary>GRPO steps each node runs from the global policy per round.</summary>
    public int StepsPerRound { get; init; } = 25;

    /// <summary>The most tokens a completion may have (capped at the answer's longest form plus its newline).</summary>
    public int MaxNewTokens { get; init; } = 5;

    /// <summary>Sampling temperature.</summary>
    public double Temperature { get; init; } = 0.7;

    /// <summary>AdamW learning rate (a fresh optimizer each round).</summary>
    public double Lr { get; init; } = 2e-5;

    /// <summary>Ratio clip ε of the surrogate objective.</summary>
    public double Clip { get; init; } = 0.2;

    /// <summary>β: KL penalty coefficient against the round's starting policy.</summary>
    public double KlCoef { get; init; } = 0.04;

    /// <summary>AdamW steps on each step's samples.</summary>
    public int InnerEpochs { get; init; } = 2;

    /// <summary>Held-out prompts the validator scores each model on (drawn from the round's audit secret, after the uploads).</summary>
    public int EvalPrompts { get; init; } = 200;

    /// <summary>Held-out exact-match accuracy of the aggregated global that ends the job early, if set.</summary>
    public double? TargetAccuracy { get; init; }

    /// <summary>Tokens of the longest prompt at this difficulty: two operands of <see cref="Digits"/> digits, the operator and '='.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int MaxPromptTokens => 2 * Digits + 2;

    /// <summary>New tokens a completion may take: <see cref="MaxNewTokens"/>, capped at the longest answer ('-', Digits + 1 digits) and '\n'.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int CompletionTokens => Math.Min(MaxNewTokens, Digits + 3);

    /// <summary>
    /// The sequence length every sampled completion is counted at: the longest prompt plus the completion budget. Pay and quote count
    /// each completion at this length, a fact of the spec, so no receipt can claim more and none needs a replay to check.
    /// </summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int SequenceTokens => MaxPromptTokens + CompletionTokens;

    /// <summary>Sequence tokens of one GRPO step: prompts × G × <see cref="SequenceTokens"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long TokensPerStep => (long)PromptsPerStep * GroupSize * SequenceTokens;

    /// <summary>Sequence tokens one node's update is paid for: steps × <see cref="TokensPerStep"/>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long TokensPerUpdate => StepsPerRound * TokensPerStep;
}
