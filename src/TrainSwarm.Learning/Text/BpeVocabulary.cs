using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace TrainSwarm.Learning.Text;

/// <summary>
/// A trained byte-level BPE vocabulary: ids 0–255 are the bytes (as in <see cref="ByteTokenizer"/>), 256 is
/// &lt;|endoftext|&gt;, and every merge, in rank order, makes the next id (a merge whose result already exists reuses it).
/// It writes and reads GPT-2's vocab.json and merges.txt, the files Hugging Face's and Microsoft.ML.Tokenizers' BPE use.
/// </summary>
public sealed partial class BpeVocabulary
{
    /// <summary>The id of &lt;|endoftext|&gt;, the same as the byte tokenizer's.</summary>
    public const int EndOfText = ByteTokenizer.EndOfText;

    private readonly Dictionary<string, int> _ids;

    public BpeVocabulary(IReadOnlyList<(string Left, string Right)> merges)
    {
        Merges = merges;
        var tokens = new List<string>(256 + merges.Count + 1);
        for (int b = 0; b < 256; b++) tokens.Add(ByteLevelAlphabet.Char((byte)b).ToString());
        tokens.Add(ByteTokenizer.EndOfTextText);
        _ids = tokens.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        foreach (var (left, right) in merges)
        {
            if (!_ids.ContainsKey(left) || !_ids.ContainsKey(right))
                throw new ArgumentException($"merge '{left} {right}' uses a token made by no earlier merge");
            if (_ids.TryAdd(left + right, tokens.Count)) tokens.Add(left + right);
        }
        Tokens = tokens;
    }

    /// <summary>The merges in rank order, as token texts in the byte-level alphabet.</summary>
    public IReadOnlyList<(string Left, string Right)> Merges { get; }

    /// <summary>Token text by id.</summary>
    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Number of ids, &lt;|endoftext|&gt; included: a model's vocabulary size.</summary>
    public int Size => Tokens.Count;

    /// <summary>The id of a token text, or -1.</summary>
    public int Id(string token) => _ids.GetValueOrDefault(token, -1);

    /// <summary>GPT-2's pre-tokenizer: contractions, runs of letters, of digits, of other symbols (each with one leading space), and whitespace.</summary>
    [GeneratedRegex(@"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+")]
    public static partial Regex PreTokenizer();

    /// <summary>vocab.json: token text → id.</summary>
    public byte[] VocabJson() => JsonSerializer.SerializeToUtf8Bytes(Tokens.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i));

    /// <summary>merges.txt: a version line, then one "left right" merge per line in rank order.</summary>
    public byte[] MergesText()
    {
        var text = new StringBuilder("#version: 0.2\n");
        foreach (var (left, right) in Merges) text.Append(left).Append(' ').Append(right).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Reads merges.txt (the ids follow from the merges, so vocab.json is not needed to rebuild the vocabulary).</summary>
    public static BpeVocabulary FromMergesText(string text)
    {
        var merges = new List<(string, string)>();
        foreach (var line in text.Split('\n'))
        {
            if (line.Length == 0 || line.StartsWith("#version", StringComparison.Ordinal)) continue;
            var parts = line.Split(' ');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0) throw new FormatException($"merges.txt: '{line}' is not 'left right'");
            merges.Add((parts[0], parts[1]));
        }
        return new BpeVocabulary(merges);
    }
}
