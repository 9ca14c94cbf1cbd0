namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>The upload formats a creator's dataset may come in, each checked completely before anything is stored.</summary>
public enum UploadFormat
{
    /// <summary>A zip holding an IDX image file and its IDX label file (each gzip-compressed or raw).</summary>
    Idx,

    /// <summary>A CSV of images: <c>label,p0,p1,…</c> per line, pixels 0–255, an optional header line.</summary>
    Csv,

    /// <summary>An <c>.npz</c> (a zip) holding an image array <c>x.npy</c> and a label array <c>y.npy</c>.</summary>
    Npz,

    /// <summary>A tabular CSV with a header line and a named label column; every other column is a numeric feature.</summary>
    Tabular,

    /// <summary>A zip of PNG files in one folder per class (the folder's name is the class name).</summary>
    PngZip,

    /// <summary>UTF-8 text for a language model, tokenized byte-level (<see cref="TextUpload"/>).</summary>
    Text,
}

/// <summary>The names formats go by on the wire and the command line, and the guess from a file name.</summary>
public static class UploadFormats
{
    /// <summary>The wire names, in <see cref="UploadFormat"/> order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["idx", "csv", "npz", "tabular", "png-zip", "text"];

    /// <summary>The wire name of <paramref name="format"/>.</summary>
    public static string Name(UploadFormat format) => Names[(int)format];

    /// <summary>The format called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static UploadFormat? Parse(string? name)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase))
                return (UploadFormat)i;
        }
        return null;
    }

    /// <summary>
    /// The format a file name suggests: <c>.npz</c>, <c>.csv</c> (images; tabular must be asked for, since both are CSV),
    /// <c>.zip</c> (PNG folders unless it holds IDX files, which only its contents tell), <c>.txt</c> (text). Null when the name says nothing.
    /// </summary>
    public static UploadFormat? FromFileName(string fileName)
    {
        var name = fileName.ToLowerInvariant();
        if (name.EndsWith(".npz", StringComparison.Ordinal)) return UploadFormat.Npz;
        if (name.EndsWith(".csv", StringComparison.Ordinal)) return UploadFormat.Csv;
        if (name.EndsWith(".zip", StringComparison.Ordinal)) return UploadFormat.PngZip;
        if (name.EndsWith(".txt", StringComparison.Ordinal)) return UploadFormat.Text;
        return null;
    }
}
