using System.Text;

namespace TrainSwarm.Learning.Text;

/// <summary>
/// Byte-level tokenizer: ids 0..255 are the UTF-8 bytes, 256 is &lt;|endoftext|&gt; (GPT-2's document separator).
/// Every string encodes and decodes losslessly; no training and no vocabulary file.
/// </summary>
public static class ByteTokenizer
{
    /// <summary>The id of &lt;|endoftext|&gt;.</summary>
    public const int EndOfText = 256;

    /// <summary>Its text form.</summary>
    public const string EndOfTextText = "<|endoftext|>";

    /// <summary>Number of ids: 256 bytes plus one special.</summary>
    public const int VocabSize = 257;

    /// <summary>This tokenizer where an <see cref="ITokenizer"/> is asked for.</summary>
    public static ITokenizer Instance { get; } = new AsInterface();

    /// <summary>The UTF-8 bytes of <paramref name="text"/> as ids; the literal text &lt;|endoftext|&gt; becomes the special id.</summary>
    public static int[] Encode(string text)
    {
        var ids = new List<int>(text.Length + 8);
        int start = 0;
        while (true)
        {
            int at = text.IndexOf(EndOfTextText, start, StringComparison.Ordinal);
            foreach (byte b in Encoding.UTF8.GetBytes(text[start..(at < 0 ? text.Length : at)])) ids.Add(b);
            if (at < 0) break;
            ids.Add(EndOfText);
            start = at + EndOfTextText.Length;
        }
        return [.. ids];
    }

    /// <summary>Text for <paramref name="ids"/>: bytes decoded as UTF-8 (invalid sequences become U+FFFD), the special as its text form.</summary>
    public static string Decode(ReadOnlySpan<int> ids)
    {
        var sb = new StringBuilder();
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            if ((uint)id < 256)
            {
                bytes.Add((byte)id);
                continue;
            }
            if (id != EndOfText) throw new ArgumentException($"token id {id} is outside the byte vocabulary of {VocabSize}");
            sb.Append(Encoding.UTF8.GetString([.. bytes]));
            bytes.Clear();
            sb.Append(EndOfTextText);
        }
        sb.Append(Encoding.UTF8.GetString([.. bytes]));
        return sb.ToString();
    }

    private sealed class AsInterface : ITokenizer
    {
        public string Kind => "byte";

        public int VocabSize => ByteTokenizer.VocabSize;

        public int[] Encode(string text) => ByteTokenizer.Encode(text);

        public string Decode(ReadOnlySpan<int> ids) => ByteTokenizer.Decode(ids);
    }
}
