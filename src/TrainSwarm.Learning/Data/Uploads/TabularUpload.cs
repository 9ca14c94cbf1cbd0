using System.Globalization;

namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>
/// Tabular classification data: a CSV with a header line, a label column found by its name (any values: they are class
/// names, numbered in ordinal order), and numeric features in every other column, kept as they are (no scaling).
/// </summary>
public static class TabularUpload
{
    /// <summary>Parses and checks the file; rows become (N, 1, 1, features) samples.</summary>
    public static ParsedUpload Parse(ReadOnlyMemory<byte> bytes, string source, UploadOptions? options = null)
    {
        var labelColumn = (options ?? new UploadOptions()).Label;
        string[]? header = null;
        var labelIndex = -1;
        var names = new List<string>();
        var features = new List<float>();
        foreach (var (number, fields) in CsvLines.Read(bytes, source))
        {
            var where = $"{source} line {number}";
            if (header is null)
            {
                header = fields.Select(f => f.Trim()).ToArray();
                labelIndex = Array.IndexOf(header, labelColumn);
                if (labelIndex < 0)
                    throw new UploadRejectedException(where, $"the header has no column '{labelColumn}' (it has: {string.Join(", ", header)})");
                if (header.Length < 2)
                    throw new UploadRejectedException(where, "the header names no feature column besides the label");
                if (header.Length - 1 > UploadLimits.MaxFeatures)
                    throw new UploadRejectedException(where, $"{header.Length - 1} features exceed the limit of {UploadLimits.MaxFeatures}");
                continue;
            }
            if (fields.Length != header.Length)
                throw new UploadRejectedException(where, $"{fields.Length} fields, but the header has {header.Length}");
            var label = fields[labelIndex].Trim();
            if (label.Length == 0)
                throw new UploadRejectedException(where, $"the label column '{labelColumn}' is empty");
            names.Add(label);
            for (var i = 0; i < fields.Length; i++)
            {
                if (i == labelIndex)
                    continue;
                if (!double.TryParse(fields[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                    throw new UploadRejectedException(where, $"column '{header[i]}' holds '{fields[i]}', not a number");
                if (double.IsNaN(value) || double.IsInfinity(value) || Math.Abs(value) > float.MaxValue)
                    throw new UploadRejectedException(where, $"column '{header[i]}' is {fields[i]}: NaN and infinities are refused");
                features.Add((float)value);
            }
            ImageChecks.Count(names.Count, where);
        }
        if (header is null || names.Count == 0)
            throw new UploadRejectedException(source, "no samples: a header line and at least 2 rows are needed");
        var classNames = names.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (classNames.Count > UploadLimits.MaxClasses)
            throw new UploadRejectedException(source, $"{classNames.Count} classes exceed the limit of {UploadLimits.MaxClasses}");
        var index = classNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var labels = names.Select(n => index[n]).ToArray();
        var classes = LabelChecks.Classes(labels, classNames.Count, source);
        var width = header.Length - 1;
        return new ParsedUpload(UploadFormat.Tabular, new LabeledImages([.. features], labels, 1, 1, width, classes), classNames);
    }
}
