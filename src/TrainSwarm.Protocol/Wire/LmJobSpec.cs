namespace TrainSwarm.Protocol.Wire;

/// <summary>
/// What an <c>lm</c> job trains: a GPT preset on a text corpus, next-token prediction, H AdamW steps per node per round. The
/// learning rate follows one warm-up + cosine schedule over one node's steps of the whole job (rounds × H): round r starts
/// a node at step r × H, so every node is where a single process would be after that many rounds (as DiLoCo's inner loop does).
/// </summary>
public sealed record LmJobSpec
{
    /// <summary>About 1M parameters (4 layers, width 144, context 128).</summary>
    public const string GptTiny = "gpt-tiny";

    /// <summary>About 10M parameters (6 layers, width 384, context 256).</summary>
    public const string GptSmall = "gpt-small";

    /// <summary>The built-in corpus: Debian's fortunes package, byte-tokenized.</summary>
    public const string Fortunes = "fortunes";

    /// <summary>The model preset (<c>gpt-tiny</c> or <c>gpt-small</c>).</summary>
    public string Preset { get; init; } = GptTiny;

    /// <summary>The corpus: a named one (<c>fortunes</c>) or the id of an uploaded text dataset (<c>swarm dataset upload x.txt</c>).</summary>
    public string Corpus { get; init; } = Fortunes;

    /// <summary>T: tokens per training window (at most the preset's context).</summary>
    public int SeqLen { get; init; } = 64;

    /// <summary>B: windows per step.</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>H: AdamW steps each node takes from the global weights per round.</summary>
    public int InnerSteps { get; init; } = 100;

    /// <summary>Peak inner learning rate, reached after <see cref="WarmupSteps"/>.</summary>
    public double MaxLr { get; init; } = 2e-3;

    /// <summary>Where the cosine ends, at the job's last inner step.</summary>
    public double MinLr { get; init; } = 2e-4;

    /// <summary>Linear warm-up steps at the start of the job's schedule.</summary>
    public int WarmupSteps { get; init; } = 10;

    /// <summary>AdamW weight decay on the attention and MLP matrices.</summary>
    public double WeightDecay { get; init; } = 0.1;

    /// <summary>Global gradient-norm clip.</summary>
    public double GradClip { get; init; } = 1.0;

    /// <summary>Held-out windows of T + 1 tokens the validator scores each model on (consecutive, from the stream's start).</summary>
    public int EvalWindows { get; init; } = 64;

    /// <summary>Held-out loss (nats per token) of the aggregated global that ends the job early, if set.</summary>
    public double? TargetLoss { get; init; }

    /// <summary>Tokens one step trains on: B × T.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long TokensPerStep => (long)BatchSize * SeqLen;

    /// <summary>Tokens one node's update trains on (what it is paid for): H × B × T.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long TokensPerUpdate => InnerSteps * TokensPerStep;

    /// <summary>Held-out tokens each model is scored on: windows × T.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public long EvalTokens => (long)EvalWindows * SeqLen;
}
