using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace TrainSwarm.Learning.Tests.Data.Uploads;

/// <summary>Small upload files the tests write themselves: IDX, CSV, NPY/NPZ and PNG zips, from a seed.</summary>
public static class UploadFixtures
{
    /// <summary>A zip of the given entries.</summary>
    public static byte[] Zip(params (string Name, byte[] Bytes)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(bytes);
            }
        }
        return buffer.ToArray();
    }

    /// <summary>An IDX file of unsigned bytes with the given dimensions.</summary>
    public static byte[] Idx(int[] dims, byte[] data, bool gzip = false)
    {
        var bytes = new byte[4 + 4 * dims.Length + data.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dims.Length;
        for (var i = 0; i < dims.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * i), dims[i]);
        data.CopyTo(bytes, 4 + 4 * dims.Length);
        if (!gzip)
            return bytes;
        using var buffer = new MemoryStream();
        using (var z = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            z.Write(bytes);
        return buffer.ToArray();
    }

    /// <summary>n images of h×w bytes (pixel = (i·7 + p) mod 256) and labels i mod classes.</summary>
    public static (byte[] Pixels, byte[] Labels) Samples(int n, int h, int w, int classes)
    {
        var pixels = new byte[n * h * w];
        for (var i = 0; i < pixels.Length; i++)
            pixels[i] = (byte)((i / (h * w) * 7 + i % (h * w)) % 256);
        var labels = Enumerable.Range(0, n).Select(i => (byte)(i % classes)).ToArray();
        return (pixels, labels);
    }

    /// <summary>An image CSV (<c>label,p0,…</c>) of the samples, with a header line when asked.</summary>
    public static byte[] Csv(byte[] pixels, byte[] labels, bool header = true)
    {
        var per = pixels.Length / labels.Length;
        var text = new StringBuilder();
        if (header)
            text.Append("label,").AppendJoin(',', Enumerable.Range(0, per).Select(p => $"p{p}")).Append('\n');
        for (var i = 0; i < labels.Length; i++)
            text.Append(labels[i]).Append(',').AppendJoin(',', pixels.Skip(i * per).Take(per)).Append('\n');
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>A .npy file of uint8 (<c>|u1</c>), int64 (<c>&lt;i8</c>) or float32 (<c>&lt;f4</c>) values.</summary>
    public static byte[] Npy(string dtype, int[] shape, double[] values)
    {
        var dims = shape.Length == 1 ? $"{shape[0]}," : string.Join(", ", shape);
        var header = $"{{'descr': '{dtype}', 'fortran_order': False, 'shape': ({dims}), }}";
        var padded = header.PadRight((header.Length + 11 + 63) / 64 * 64 - 10 - 1) + "\n";
        var size = dtype switch { "|u1" => 1, "<f4" => 4, _ => 8 };
        var bytes = new byte[10 + padded.Length + values.Length * size];
        bytes[0] = 0x93;
        "NUMPY"u8.CopyTo(bytes.AsSpan(1));
        bytes[6] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)padded.Length);
        Encoding.Latin1.GetBytes(padded).CopyTo(bytes, 10);
        var data = bytes.AsSpan(10 + padded.Length);
        for (var i = 0; i < values.Length; i++)
        {
            switch (dtype)
            {
                case "|u1": data[i] = (byte)values[i]; break;
                case "<f4": BinaryPrimitives.WriteSingleLittleEndian(data[(i * 4)..], (float)values[i]); break;
                default: BinaryPrimitives.WriteInt64LittleEndian(data[(i * 8)..], (long)values[i]); break;
            }
        }
        return bytes;
    }

    /// <summary>A w×h PNG filled with one colour, or with a grey ramp when <paramref name="ramp"/>.</summary>
    public static byte[] Png(int w, int h, SKColor color, bool ramp = false)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var y = 0; y < h; y++)
        {
            for (var x = 0; x < w; x++)
            {
                var g = (byte)((x + y * w) * 255 / Math.Max(1, w * h - 1));
                bitmap.SetPixel(x, y, ramp ? new SKColor(g, g, g) : color);
            }
        }
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>A number as CSV text.</summary>
    public static string Num(double v) => v.ToString(CultureInfo.InvariantCulture);
}
