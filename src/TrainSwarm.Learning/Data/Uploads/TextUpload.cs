using System.Buffers;
using System.Text;
using System.Text.Unicode;
using TrainSwarm.Learning.Text;

namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>
/// A text corpus upload: the whole file must be UTF-8 (a leading byte-order mark is dropped) and hold some non-whitespace text.
/// It is tokenized byte-level (<see cref="ByteTokenizer"/>: the UTF-8 bytes as ids, a literal <c>&lt;|endoftext|&gt;</c> as the
/// document separator), the tokenizer every lm preset is sized for.
/// </summary>
public static class TextUpload
{
    /// <summary>The tokenizer's name in a text dataset's manifest.</summary>
    public const string Tokenizer = "byte";

    /// <summary>The token stream of <paramref name="bytes"/>; throws <see cref="UploadRejectedException"/> naming the line and byte at fault.</summary>
    public static int[] Parse(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.Length > UploadLimits.MaxBytes)
            throw new UploadRejectedException(source, $"{bytes.Length} bytes exceed the upload limit of {UploadLimits.MaxBytes}");
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
            bytes = bytes[3..];
        var chars = ArrayPool<char>.Shared.Rent(Math.Max(1, bytes.Length));
        try
        {
            var status = Utf8.ToUtf16(bytes, chars, out var read, out var written, replaceInvalidSequences: false);
            if (status != OperationStatus.Done)
            {
                var line = bytes[..read].Count((byte)'\n') + 1;
                throw new UploadRejectedException($"{source} line {line}", $"not UTF-8 text: an invalid byte sequence at byte {read}");
            }
            var text = new string(chars, 0, written);
            if (string.IsNullOrWhiteSpace(text))
                throw new UploadRejectedException(source, bytes.IsEmpty ? "the file is empty" : "the file holds only whitespace");
            return ByteTokenizer.Encode(text);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
