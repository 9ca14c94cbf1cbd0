namespace TrainSwarm.Learning.Models;

/// <summary>The sizes of a GPT-2-style model (nanoGPT's GPTConfig; dropout 0, biases on, tied LM head).</summary>
/// <param name="VocabSize">Token ids are 0..VocabSize-1.</param>
/// <param name="BlockSize">Longest context: rows of the positional embedding.</param>
/// <param name="Layers">Transformer blocks.</param>
/// <param name="Heads">Attention heads per block.</param>
/// <param name="Channels">Model width (embedding size); a multiple of <paramref name="Heads"/>.</param>
public sealed record GptConfig(int VocabSize, int BlockSize, int Layers, int Heads, int Channels)
{
    /// <summary>Preset names for <see cref="Preset"/>.</summary>
    public static IReadOnlyList<string> PresetNames { get; } = ["gpt-tiny", "gpt-small"];

    /// <summary>
    /// gpt-tiny: 4 layers, 4 heads, width 144, context 128 (1.06M parameters with the 257-symbol byte vocabulary);
    /// gpt-small: 6 layers, 6 heads, width 384, context 256 (nanoGPT's shakespeare-char size, 10.7M parameters).
    /// </summary>
    public static GptConfig Preset(string name, int vocabSize) => name switch
    {
        "gpt-tiny" => new GptConfig(vocabSize, 128, 4, 4, 144),
        "gpt-small" => new GptConfig(vocabSize, 256, 6, 6, 384),
        _ => throw new ArgumentException($"unknown language-model preset '{name}'; choose one of: {string.Join(", ", PresetNames)}"),
    };

    /// <summary>Throws if a size is not positive or the width does not split into the heads.</summary>
    public void Validate()
    {
        if (VocabSize < 1 || BlockSize < 1 || Layers < 1 || Heads < 1 || Channels < 1)
            throw new ArgumentException($"every GPT size must be positive; got {this}");
        if (Channels % Heads != 0) throw new ArgumentException($"width {Channels} does not split into {Heads} heads");
    }

    /// <summary>Number of parameters: embeddings, blocks (12C² + 13C each), the final norm; the tied head adds none.</summary>
    public long ParameterCount =>
        (long)VocabSize * Channels + (long)BlockSize * Channels + Layers * (12L * Channels * Channels + 13L * Channels) + 2L * Channels;
}
