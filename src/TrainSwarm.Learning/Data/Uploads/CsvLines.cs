using System.Text;

namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>Splits an uploaded CSV into lines of fields, numbering lines from 1 as an editor does; blank lines are skipped.</summary>
internal static class CsvLines
{
    /// <summary>The non-blank lines with their 1-based numbers; quotes are not interpreted (these files hold numbers and names).</summary>
    public static List<(int Number, string[] Fields)> Read(ReadOnlyMemory<byte> bytes, string source)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes.Span);
        }
        catch (DecoderFallbackException e)
        {
            throw new UploadRejectedException(source, $"not UTF-8 text ({e.Message})", e);
        }
        var lines = new List<(int, string[])>();
        var number = 0;
        foreach (var raw in text.AsSpan().EnumerateLines())
        {
            number++;
            var line = raw.Trim();
            if (line.IsEmpty)
                continue;
            if (line.Contains('"'))
                throw new UploadRejectedException($"{source} line {number}", "quoted fields are not supported (the file must hold plain numbers and names)");
            lines.Add((number, line.ToString().Split(',')));
        }
        return lines;
    }
}
