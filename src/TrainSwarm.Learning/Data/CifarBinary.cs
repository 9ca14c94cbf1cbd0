using System.Formats.Tar;
using System.IO.Compression;

namespace TrainSwarm.Learning.Data;

/// <summary>
/// The CIFAR binary archives: a tar.gz of batch files, each a run of fixed-size records. A CIFAR-10 record is one label byte
/// (0–9), then 3072 pixel bytes (the red 32×32 plane, then green, then blue, rows first: already (C, H, W)); a CIFAR-100 record
/// is a coarse label (0–19), a fine one (0–99), then the same 3072 bytes. The fine labels are the classes.
/// </summary>
public static class CifarBinary
{
    private const int Side = 32, Channels = 3, Pixels = Channels * Side * Side;

    /// <summary>The batch files of each split, in the order their images are concatenated.</summary>
    private static readonly string[] Cifar10Train = ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin"];

    /// <summary>Both splits of the archive at <paramref name="path"/>; <paramref name="classes"/> (10 or 100) says which CIFAR it is.</summary>
    public static (LabeledImages Train, LabeledImages Test) Load(string path, int classes)
    {
        if (classes is not (10 or 100))
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "CIFAR has 10 or 100 classes");
        string[] train = classes == 10 ? Cifar10Train : ["train.bin"];
        string test = classes == 10 ? "test_batch.bin" : "test.bin";
        var files = ReadEntries(path, [.. train, test]);
        var missing = train.Append(test).Where(f => !files.ContainsKey(f)).ToArray();
        if (missing.Length > 0)
            throw new DataFormatException(path, $"the archive lacks {string.Join(", ", missing)}");
        int labelBytes = classes == 10 ? 1 : 2;
        return (Parse(path, [.. train.Select(f => (f, files[f]))], labelBytes, classes), Parse(path, [(test, files[test])], labelBytes, classes));
    }

    // The named batch files, by their name without the archive's folder.
    private static Dictionary<string, byte[]> ReadEntries(string path, string[] wanted)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            using var fs = File.OpenRead(path);
            using var gzip = new GZipStream(fs, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                var name = Path.GetFileName(entry.Name);
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || !wanted.Contains(name) || entry.DataStream is null)
                    continue;
                using var ms = new MemoryStream();
                entry.DataStream.CopyTo(ms);
                files[name] = ms.ToArray();
            }
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"not a readable tar.gz ({e.Message})", e);
        }
        catch (FormatException e)
        {
            throw new DataFormatException(path, $"not a readable tar.gz ({e.Message})", e);
        }
        return files;
    }

    private static LabeledImages Parse(string path, (string Name, byte[] Bytes)[] batches, int labelBytes, int classes)
    {
        int record = labelBytes + Pixels;
        foreach (var (name, bytes) in batches)
        {
            if (bytes.Length == 0 || bytes.Length % record != 0)
                throw new DataFormatException(path, $"{name}: {bytes.Length} bytes are not whole {record}-byte records");
        }
        int count = batches.Sum(b => b.Bytes.Length / record);
        var pixels = new float[(long)count * Pixels];
        var labels = new int[count];
        int n = 0;
        foreach (var (name, bytes) in batches)
        {
            for (int offset = 0; offset < bytes.Length; offset += record, n++)
            {
                if (labelBytes == 2 && bytes[offset] >= 20)
                    throw new DataFormatException(path, $"{name}: coarse label {bytes[offset]} of record {offset / record} is outside [0, 20)");
                int label = bytes[offset + labelBytes - 1];
                if (label >= classes)
                    throw new DataFormatException(path, $"{name}: label {label} of record {offset / record} is outside [0, {classes})");
                labels[n] = label;
                var dst = pixels.AsSpan(checked(n * Pixels), Pixels);
                var src = bytes.AsSpan(offset + labelBytes, Pixels);
                for (int i = 0; i < Pixels; i++)
                    dst[i] = src[i] / 255f;
            }
        }
        return new LabeledImages(pixels, labels, Channels, Side, Side, classes);
    }
}
