using System.Globalization;

namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>
/// Images as CSV, one per line: <c>label,p0,p1,…</c> with pixels 0–255 (integers or decimals) in (C, H, W) order, as the
/// widely shared MNIST CSVs are. A first line whose label field is not a number is a header and is skipped.
/// </summary>
public static class CsvImagesUpload
{
    /// <summary>Parses and checks the file; labels are numbered classes.</summary>
    public static ParsedUpload Parse(ReadOnlyMemory<byte> bytes, string source, UploadOptions? options = null)
    {
        var labels = new List<int>();
        var pixels = new List<float>();
        int? values = null;
        var first = true;
        foreach (var (number, fields) in CsvLines.Read(bytes, source))
        {
            var where = $"{source} line {number}";
            var isHeader = first && !int.TryParse(fields[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
            first = false;
            if (isHeader)
                continue;
            if (fields.Length < 2)
                throw new UploadRejectedException(where, "a line needs a label and at least one pixel");
            values ??= fields.Length - 1;
            if (fields.Length - 1 != values)
                throw new UploadRejectedException(where, $"{fields.Length - 1} pixels, but the first line has {values}");
            if (!int.TryParse(fields[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var label))
                throw new UploadRejectedException(where, $"the label '{fields[0]}' is not an integer");
            labels.Add(label);
            for (var i = 1; i < fields.Length; i++)
                pixels.Add(Pixel(fields[i], where, i - 1));
            ImageChecks.Count(labels.Count, where);
        }
        if (values is null)
            throw new UploadRejectedException(source, "no samples");
        var (c, h, w) = Shape(values.Value, options?.Shape, source);
        var classes = LabelChecks.Classes(labels.ToArray(), null, source);
        return new ParsedUpload(UploadFormat.Csv, new LabeledImages([.. pixels], [.. labels], c, h, w, classes), LabelChecks.Numbered(classes));
    }

    private static float Pixel(string field, string where, int index)
    {
        if (!double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            throw new UploadRejectedException(where, $"pixel {index} '{field}' is not a number");
        if (double.IsNaN(value) || double.IsInfinity(value))
            throw new UploadRejectedException(where, $"pixel {index} is {field}: NaN and infinities are refused");
        if (value is < 0 or > 255)
            throw new UploadRejectedException(where, $"pixel {index} is {field}, outside 0–255");
        return (float)value / 255f;
    }

    /// <summary>The (C, H, W) of <paramref name="values"/> values per line: as <paramref name="declared"/>, or a square guess.</summary>
    internal static (int C, int H, int W) Shape(int values, string? declared, string source)
    {
        if (declared is not null)
        {
            var parts = declared.Split('x', 'X', '×');
            var dims = new int[parts.Length];
            for (var i = 0; i < parts.Length; i++)
            {
                if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] < 1)
                    throw new UploadRejectedException(source, $"the shape '{declared}' is not HxW or CxHxW of positive integers");
            }
            var (c, h, w) = dims.Length switch
            {
                2 => (1, dims[0], dims[1]),
                3 => (dims[0], dims[1], dims[2]),
                _ => throw new UploadRejectedException(source, $"the shape '{declared}' is not HxW or CxHxW"),
            };
            if (c is not (1 or 3))
                throw new UploadRejectedException(source, $"the shape '{declared}' has {c} channels; images are greyscale (1) or RGB (3)");
            ImageChecks.Size(h, w, source);
            if ((long)c * h * w != values)
                throw new UploadRejectedException(source,
                    $"wrong image size: the shape {declared} needs {(long)c * h * w} pixels a line, the file has {values}");
            return (c, h, w);
        }
        var side = (int)Math.Round(Math.Sqrt(values));
        if (side * side == values)
        {
            ImageChecks.Size(side, side, source);
            return (1, side, side);
        }
        var rgb = (int)Math.Round(Math.Sqrt(values / 3.0));
        if (values % 3 == 0 && rgb * rgb * 3 == values)
        {
            ImageChecks.Size(rgb, rgb, source);
            return (3, rgb, rgb);
        }
        throw new UploadRejectedException(source, $"wrong image size: {values} pixels a line make no square image; give the shape (HxW or CxHxW)");
    }
}
