namespace TrainSwarm.Learning.Text;

/// <summary>
/// GPT-2's byte-to-character table: each of the 256 byte values gets a printable character (printable ASCII and Latin-1
/// stand for themselves; the rest move to U+0100 and up), so a byte-level BPE vocabulary is plain text in vocab.json
/// and merges.txt, and any tool that reads GPT-2's files reads ours.
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ToChar = Build();
    private static readonly Dictionary<char, byte> ToByte = Enumerable.Range(0, 256).ToDictionary(b => ToChar[b], b => (byte)b);

    /// <summary>The character standing for byte <paramref name="value"/>.</summary>
    public static char Char(byte value) => ToChar[value];

    /// <summary>The bytes a vocabulary token stands for.</summary>
    public static byte[] Bytes(string token) => [.. token.Select(c => ToByte.TryGetValue(c, out var b) ? b
        : throw new ArgumentException($"'{c}' is not a byte-level character"))];

    /// <summary>The token text of <paramref name="bytes"/>.</summary>
    public static string Token(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ToChar[bytes[i]];
        return new string(chars);
    }

    private static char[] Build()
    {
        var table = new char[256];
        bool[] printable = new bool[256];
        foreach (var (from, to) in new[] { ('!', '~'), ('¡', '¬'), ('®', 'ÿ') })
            for (int c = from; c <= to; c++) printable[c] = true;
        int next = 256;
        for (int b = 0; b < 256; b++) table[b] = printable[b] ? (char)b : (char)next++;
        return table;
    }
}
