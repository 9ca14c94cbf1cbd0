namespace TrainSwarm.Learning.Text;

/// <summary>Text to token ids and back: the byte-level tokenizer or a trained BPE, chosen per run.</summary>
public interface ITokenizer
{
    /// <summary>"byte" or "bpe": what a saved model's metadata records.</summary>
    string Kind { get; }

    /// <summary>Number of ids, a model's vocabulary size.</summary>
    int VocabSize { get; }

    /// <summary>The id of &lt;|endoftext|&gt; (the same, 256, for both kinds).</summary>
    int EndOfText => ByteTokenizer.EndOfText;

    int[] Encode(string text);

    string Decode(ReadOnlySpan<int> ids);
}
