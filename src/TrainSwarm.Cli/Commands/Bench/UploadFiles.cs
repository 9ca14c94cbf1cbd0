using System.Globalization;
using System.IO.Compression;
using System.Text;
using SkiaSharp;
using TrainSwarm.Learning.Data;

namespace TrainSwarm.Cli.Commands.Bench;

/// <summary>Writes the first samples of a greyscale image set as the upload formats a creator would send.</summary>
public static class UploadFiles
{
    /// <summary>An image CSV, `label,p0,…` per line, pixels back to 0–255 (the IDX loader divides by 255, so this is exact).</summary>
    public static void WriteCsv(LabeledImages images, int count, string path)
    {
        ArgumentNullException.ThrowIfNull(images);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        var line = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            line.Clear().Append(images.Labels[i].ToString(CultureInfo.InvariantCulture));
            foreach (var p in images.Image(i))
                line.Append(',').Append(((int)MathF.Round(p * 255f)).ToString(CultureInfo.InvariantCulture));
            writer.WriteLine(line);
        }
    }

    /// <summary>
    /// A zip of greyscale PNGs, one folder per class (`3/00042.png`); the zero-padded file names sort into the samples' order,
    /// which is the order the PNG-zip parser reads them in.
    /// </summary>
    public static void WritePngZip(LabeledImages images, int count, string path)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.Channels != 1)
            throw new ArgumentException("greyscale images only", nameof(images));
        var digits = Math.Max(5, (count - 1).ToString(CultureInfo.InvariantCulture).Length);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using var bitmap = new SKBitmap(new SKImageInfo(images.Width, images.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        for (var i = 0; i < count; i++)
        {
            var image = images.Image(i);
            var pixels = new byte[image.Length];
            for (var p = 0; p < pixels.Length; p++)
                pixels[p] = (byte)MathF.Round(image[p] * 255f);
            System.Runtime.InteropServices.Marshal.Copy(pixels, 0, bitmap.GetPixels(), pixels.Length);
            using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            var name = images.Labels[i].ToString(CultureInfo.InvariantCulture) + "/" + i.ToString("D" + digits, CultureInfo.InvariantCulture) + ".png";
            using var entry = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
            png.SaveTo(entry);
        }
    }
}
