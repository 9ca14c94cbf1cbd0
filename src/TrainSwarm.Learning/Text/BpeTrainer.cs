namespace TrainSwarm.Learning.Text;

/// <summary>
/// Learns byte-level BPE merges from a corpus, as GPT-2's tokenizer was trained: the text is split by GPT-2's
/// pre-tokenizer, each piece's bytes are symbols, and the most frequent adjacent pair (counted over all pieces, each
/// weighted by how often it occurs) is merged, again and again. Ties go to the pair whose symbols have the lowest ids,
/// so the same corpus gives the same merges on every machine. Microsoft.ML.Tokenizers encodes with a vocabulary but
/// does not train one, so this part is ours.
/// </summary>
public static class BpeTrainer
{
    /// <summary>Trains merges until the vocabulary has <paramref name="vocabSize"/> ids or no pair occurs twice.</summary>
    public static BpeVocabulary Train(IEnumerable<string> documents, int vocabSize)
    {
        if (vocabSize < ByteTokenizer.VocabSize)
            throw new ArgumentOutOfRangeException(nameof(vocabSize), $"a byte-level vocabulary has at least {ByteTokenizer.VocabSize} ids");
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var document in documents)
            foreach (var piece in BpeVocabulary.PreTokenizer().EnumerateMatches(document))
            {
                var key = document.Substring(piece.Index, piece.Length);
                counts[key] = counts.GetValueOrDefault(key) + 1;
            }
        // Each distinct piece once, as a list of symbol ids, with its count; pieces are ordered so the work is too.
        var words = counts.OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (Symbols: System.Text.Encoding.UTF8.GetBytes(kv.Key).Select(b => (int)b).ToList(), Count: kv.Value)).ToList();
        var texts = new List<string>();
        for (int b = 0; b < 256; b++) texts.Add(ByteLevelAlphabet.Char((byte)b).ToString());
        texts.Add(ByteTokenizer.EndOfTextText);
        var idOf = texts.Select((t, i) => (t, i)).ToDictionary(x => x.t, x => x.i, StringComparer.Ordinal);
        var merges = new List<(string, string)>();
        var pairs = new Dictionary<(int, int), long>();
        while (texts.Count < vocabSize)
        {
            pairs.Clear();
            foreach (var (symbols, count) in words)
                for (int i = 0; i + 1 < symbols.Count; i++)
                {
                    var pair = (symbols[i], symbols[i + 1]);
                    pairs[pair] = pairs.GetValueOrDefault(pair) + count;
                }
            var best = (Left: -1, Right: -1);
            long bestCount = 1;
            foreach (var (pair, n) in pairs)
                if (n > bestCount || (n == bestCount && best.Left >= 0 && pair.CompareTo(best) < 0))
                    (best, bestCount) = (pair, n);
            if (best.Left < 0) break;
            string merged = texts[best.Left] + texts[best.Right];
            if (!idOf.TryGetValue(merged, out int id))
            {
                id = texts.Count;
                texts.Add(merged);
                idOf[merged] = id;
            }
            merges.Add((texts[best.Left], texts[best.Right]));
            foreach (var (symbols, _) in words) Merge(symbols, best.Left, best.Right, id);
        }
        return new BpeVocabulary(merges);
    }

    // Replaces every non-overlapping (left, right), left to right, with id.
    private static void Merge(List<int> symbols, int left, int right, int id)
    {
        int write = 0;
        for (int read = 0; read < symbols.Count; read++)
        {
            if (read + 1 < symbols.Count && symbols[read] == left && symbols[read + 1] == right)
            {
                symbols[write++] = id;
                read++;
            }
            else symbols[write++] = symbols[read];
        }
        symbols.RemoveRange(write, symbols.Count - write);
    }
}
