namespace TrainSwarm.Learning.Text;

/// <summary>
/// The built-in text corpus: Debian's fortunes package (plain text files under /usr/share/games/fortunes, one fortune
/// per block, blocks separated by a line holding "%"). Fortunes are tokenized with <see cref="ByteTokenizer"/> and each
/// is followed by &lt;|endoftext|&gt;. Every 20th fortune (in file-name order, then file order) is held out, so the held-out
/// text covers every file's topic; the rest is concatenated into the training stream that shards cut into contiguous ranges.
/// </summary>
public static class FortunesCorpus
{
    /// <summary>Where Debian installs the fortunes.</summary>
    public const string DefaultDirectory = "/usr/share/games/fortunes";

    /// <summary>One fortune in this many goes to the held-out split.</summary>
    public const int HoldoutEvery = 20;

    /// <summary>
    /// Reads and tokenizes the corpus (byte-level unless <paramref name="tokenizer"/> says otherwise); throws
    /// <see cref="FileNotFoundException"/> with an install hint if it is missing.
    /// </summary>
    public static TokenCorpus Load(string? directory = null, ITokenizer? tokenizer = null)
    {
        tokenizer ??= ByteTokenizer.Instance;
        var train = new List<int>();
        var heldOut = new List<int>();
        int index = 0;
        foreach (var fortune in Documents(directory))
        {
            var target = index++ % HoldoutEvery == HoldoutEvery - 1 ? heldOut : train;
            target.AddRange(tokenizer.Encode(fortune));
            target.Add(tokenizer.EndOfText);
        }
        return new TokenCorpus("fortunes", [.. train], [.. heldOut], index);
    }

    /// <summary>Every fortune as text, in file-name order, then file order (the order <see cref="Load"/> splits by).</summary>
    public static IEnumerable<string> Documents(string? directory = null)
    {
        string dir = directory ?? DefaultDirectory;
        if (!Directory.Exists(dir))
            throw new FileNotFoundException($"the fortunes corpus is not at {dir}: install it with `apt-get install fortunes`");
        // Text files only: skip the strfile indexes (.dat) and the .u8 links to the same files.
        var files = Directory.GetFiles(dir)
            .Where(f => Path.GetExtension(f) is not (".dat" or ".u8") && !new FileInfo(f).Attributes.HasFlag(FileAttributes.ReparsePoint))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0) throw new FileNotFoundException($"no fortune files in {dir}");
        return files.SelectMany(file => Split(File.ReadAllText(file)));
    }

    /// <summary>The fortunes <see cref="Load"/> trains on (all but every 20th): what a BPE vocabulary is trained on, never the held-out ones.</summary>
    public static IEnumerable<string> TrainingDocuments(string? directory = null) =>
        Documents(directory).Where((_, i) => i % HoldoutEvery != HoldoutEvery - 1);

    /// <summary>The fortunes of one file: blocks between "%" lines, trailing whitespace trimmed, empty ones dropped.</summary>
    public static IEnumerable<string> Split(string text)
    {
        var block = new System.Text.StringBuilder();
        foreach (var line in text.Replace("\r\n", "\n").Split('\n'))
        {
            if (line == "%")
            {
                if (block.ToString().TrimEnd() is { Length: > 0 } done) yield return done;
                block.Clear();
                continue;
            }
            block.Append(line).Append('\n');
        }
        if (block.ToString().TrimEnd() is { Length: > 0 } last) yield return last;
    }
}

/// <summary>A tokenized corpus: the training stream and the held-out stream.</summary>
/// <param name="Documents">Documents (fortunes) read, both splits together.</param>
public sealed record TokenCorpus(string Name, int[] Train, int[] HeldOut, int Documents)
{
    /// <summary>
    /// Shard <paramref name="index"/> of <paramref name="count"/>: a contiguous range of the training stream, the ranges in order
    /// and covering it exactly (lengths differ by at most one token).
    /// </summary>
    public ReadOnlyMemory<int> Shard(int count, int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if ((uint)index >= (uint)count) throw new ArgumentOutOfRangeException(nameof(index), $"shard {index} of {count}");
        long start = (long)Train.Length * index / count, end = (long)Train.Length * (index + 1) / count;
        return Train.AsMemory((int)start, (int)(end - start));
    }
}
