namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>The one entry point that turns an upload's bytes into a checked dataset, whatever its format.</summary>
public static class DatasetUploadParser
{
    /// <summary>
    /// Parses <paramref name="bytes"/> as <paramref name="format"/>; throws <see cref="UploadRejectedException"/> naming the file,
    /// line or entry of the first problem. <paramref name="source"/> is the file name the creator uploaded.
    /// </summary>
    public static ParsedUpload Parse(UploadFormat format, ReadOnlyMemory<byte> bytes, string source, UploadOptions? options = null)
    {
        if (bytes.Length > UploadLimits.MaxBytes)
            throw new UploadRejectedException(source, $"{bytes.Length} bytes exceed the upload limit of {UploadLimits.MaxBytes}");
        if (bytes.IsEmpty)
            throw new UploadRejectedException(source, "the file is empty");
        return format switch
        {
            UploadFormat.Idx => IdxUpload.Parse(bytes, source),
            UploadFormat.Csv => CsvImagesUpload.Parse(bytes, source, options),
            UploadFormat.Npz => NpzUpload.Parse(bytes, source),
            UploadFormat.Tabular => TabularUpload.Parse(bytes, source, options),
            UploadFormat.PngZip => PngZipUpload.Parse(bytes, source),
            UploadFormat.Text => throw new ArgumentException("a text upload is a token stream, not samples: parse it with TextUpload", nameof(format)),
            _ => throw new ArgumentOutOfRangeException(nameof(format), format, "not an upload format"),
        };
    }
}
