using Microsoft.ML.Tokenizers;

namespace TrainSwarm.Learning.Text;

/// <summary>
/// Encodes text with a trained <see cref="BpeVocabulary"/> through Microsoft.ML.Tokenizers' BPE in byte-level mode with
/// GPT-2's pre-tokenizer (its <c>CodeGenTokenizer</c> would add CodeGen's own whitespace tokens, so the plain
/// <c>BpeTokenizer</c> is configured instead), and decodes from the vocabulary's byte table. The literal text
/// &lt;|endoftext|&gt; is the special id, as with <see cref="ByteTokenizer"/>, so documents are separated the same way.
/// </summary>
public sealed class BpeTokenizer : ITokenizer
{
    private readonly Microsoft.ML.Tokenizers.BpeTokenizer _inner;

    public BpeTokenizer(BpeVocabulary vocabulary)
    {
        Vocabulary = vocabulary;
        _inner = Microsoft.ML.Tokenizers.BpeTokenizer.Create(
            new BpeOptions(vocabulary.Tokens.Select((token, id) => KeyValuePair.Create(token, id)))
            {
                Merges = [.. vocabulary.Merges.Select(m => $"{m.Left} {m.Right}")],
                PreTokenizer = new RegexPreTokenizer(BpeVocabulary.PreTokenizer(), null),
                ByteLevel = true,
            });
    }

    public BpeVocabulary Vocabulary { get; }

    public string Kind => "bpe";

    /// <summary>Number of ids, a model's vocabulary size.</summary>
    public int VocabSize => Vocabulary.Size;

    public int[] Encode(string text)
    {
        var ids = new List<int>(text.Length / 2 + 8);
        int start = 0;
        while (true)
        {
            int at = text.IndexOf(ByteTokenizer.EndOfTextText, start, StringComparison.Ordinal);
            var part = text[start..(at < 0 ? text.Length : at)];
            if (part.Length > 0) ids.AddRange(_inner.EncodeToIds(part, considerPreTokenization: true, considerNormalization: false));
            if (at < 0) break;
            ids.Add(BpeVocabulary.EndOfText);
            start = at + ByteTokenizer.EndOfTextText.Length;
        }
        return [.. ids];
    }

    /// <summary>Text for <paramref name="ids"/>; bytes that are not whole UTF-8 characters become U+FFFD.</summary>
    public string Decode(ReadOnlySpan<int> ids)
    {
        foreach (int id in ids)
            if ((uint)id >= (uint)VocabSize) throw new ArgumentException($"token id {id} is outside the vocabulary of {VocabSize}");
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            if (id == BpeVocabulary.EndOfText) bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(ByteTokenizer.EndOfTextText));
            else bytes.AddRange(ByteLevelAlphabet.Bytes(Vocabulary.Tokens[id]));
        }
        return System.Text.Encoding.UTF8.GetString([.. bytes]);
    }
}
