using SkiaSharp;

namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>
/// A zip of PNG images in one folder per class (<c>cat/001.png</c>, or all of it under one top folder), decoded with
/// SkiaSharp. Every image must have the same size; the dataset is greyscale when every pixel of every image has equal red,
/// green and blue, RGB otherwise (alpha is ignored). Classes are the folder names in ordinal order.
/// </summary>
public static class PngZipUpload
{
    /// <summary>Parses and checks the archive.</summary>
    public static ParsedUpload Parse(ReadOnlyMemory<byte> zip, string source)
    {
        var entries = ZipEntries.Read(zip, source)
            .Where(e => !IsClutter(e.Name))
            .Select(e => (e.Name, e.Bytes, Parts: e.Name.Split('/', StringSplitOptions.RemoveEmptyEntries)))
            .ToList();
        if (entries.Count == 0)
            throw new UploadRejectedException(source, "the archive holds no PNG files");
        // A zip made of one top folder ("digits/0/a.png") is read as if that folder were the root.
        var depth = entries.All(e => e.Parts.Length == 3) && entries.Select(e => e.Parts[0]).Distinct().Count() == 1 ? 1 : 0;
        var images = new List<(string Class, string Name, byte[] Rgb)>();
        int? width = null, height = null;
        string? firstName = null;
        var grey = true;
        foreach (var (name, bytes, parts) in entries)
        {
            var where = $"{source} entry {name}";
            if (parts.Length != depth + 2)
                throw new UploadRejectedException(where, "not in a class folder: images must be at <class>/<file>.png");
            if (!name.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                throw new UploadRejectedException(where, "not a .png file");
            ImageChecks.Count(images.Count + 1, where);
            var (w, h, rgb, isGrey) = Decode(bytes, where);
            if (width is null)
            {
                ImageChecks.Size(h, w, where);
                (width, height, firstName) = (w, h, name);
            }
            else if (w != width || h != height)
            {
                throw new UploadRejectedException(where, $"wrong image size: {w}x{h} pixels, but {firstName} is {width}x{height}");
            }
            grey &= isGrey;
            images.Add((parts[depth], name, rgb));
        }
        var classNames = images.Select(i => i.Class).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (classNames.Count > UploadLimits.MaxClasses)
            throw new UploadRejectedException(source, $"{classNames.Count} class folders exceed the limit of {UploadLimits.MaxClasses}");
        if (classNames.Count < 2)
            throw new UploadRejectedException(source, $"one class folder ({classNames[0]}); a classifier needs at least 2");
        // Archive order is the creator's; sorting by name makes the same images give the same dataset however they were zipped.
        // File name first, folder (the label) second: images named in their original order (00000.png, 00001.png, …) keep it,
        // as a CSV's lines do, instead of coming grouped by class.
        images.Sort((a, b) => string.CompareOrdinal(FileName(a.Name), FileName(b.Name)) is var c and not 0 ? c : string.CompareOrdinal(a.Name, b.Name));
        var index = classNames.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i, StringComparer.Ordinal);
        var channels = grey ? 1 : 3;
        var plane = width!.Value * height!.Value;
        var pixels = new float[(long)images.Count * channels * plane];
        var labels = new int[images.Count];
        for (var i = 0; i < images.Count; i++)
        {
            labels[i] = index[images[i].Class];
            var rgb = images[i].Rgb;
            for (var c = 0; c < channels; c++)
            {
                var offset = ((long)i * channels + c) * plane;
                for (var p = 0; p < plane; p++)
                    pixels[offset + p] = rgb[p * 3 + c] / 255f;
            }
        }
        LabelChecks.Classes(labels, classNames.Count, source);
        return new ParsedUpload(UploadFormat.PngZip, new LabeledImages(pixels, labels, channels, height.Value, width.Value, classNames.Count), classNames);
    }

    // Folders and metadata that archivers add on their own.
    private static bool IsClutter(string name) =>
        name.StartsWith("__MACOSX/", StringComparison.Ordinal) || Path.GetFileName(name).StartsWith('.');

    private static (int Width, int Height, byte[] Rgb, bool Grey) Decode(byte[] bytes, string where)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.EncodedFormat != SKEncodedImageFormat.Png)
            throw new UploadRejectedException(where, "not a readable PNG image");
        var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        if (info.Width > UploadLimits.MaxSide || info.Height > UploadLimits.MaxSide)
            throw new UploadRejectedException(where, $"images of {info.Width}x{info.Height} pixels exceed the limit of {UploadLimits.MaxSide} a side");
        using var bitmap = new SKBitmap(info);
        var result = codec.GetPixels(info, bitmap.GetPixels());
        if (result != SKCodecResult.Success)
            throw new UploadRejectedException(where, $"the PNG does not decode ({result})");
        var rgba = bitmap.GetPixelSpan();
        var plane = info.Width * info.Height;
        var rgb = new byte[plane * 3];
        var grey = true;
        for (var i = 0; i < plane; i++)
        {
            byte r = rgba[i * 4], g = rgba[i * 4 + 1], b = rgba[i * 4 + 2];
            (rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]) = (r, g, b);
            grey &= r == g && g == b;
        }
        return (info.Width, info.Height, rgb, grey);
    }

    private static string FileName(string entry) => entry[(entry.LastIndexOf('/') + 1)..];
}
