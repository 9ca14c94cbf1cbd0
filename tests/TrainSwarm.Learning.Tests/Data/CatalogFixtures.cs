using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace TrainSwarm.Learning.Tests.Data;

/// <summary>
/// Writes small catalog datasets in their real file formats (IDX, the EMNIST zip, CIFAR binary tar.gz, MATLAB level-5), each
/// pixel a known function of its place, so a loader can be checked value by value.
/// </summary>
internal static class CatalogFixtures
{
    /// <summary>The byte of sample n's pixel at channel c, row h, column w.</summary>
    public static byte Pixel(int n, int c, int h, int w) => (byte)((n * 7 + c * 3 + h * 5 + w) % 256);

    /// <summary>The four MNIST-layout IDX .gz files for <paramref name="train"/> and <paramref name="test"/> labels.</summary>
    public static void WriteIdx(string dir, byte[] train, byte[] test)
    {
        foreach (var (prefix, labels) in new[] { ("train", train), ("t10k", test) })
        {
            var images = IdxFiles.Build(0x803, [labels.Length, 28, 28], Grey(labels.Length, transposed: false));
            IdxFiles.Write(dir, $"{prefix}-images-idx3-ubyte.gz", IdxFiles.Gzip(images));
            IdxFiles.Write(dir, $"{prefix}-labels-idx1-ubyte.gz", IdxFiles.Gzip(IdxFiles.Build(0x801, [labels.Length], labels)));
        }
    }

    /// <summary>emnist-gzip.zip with one split's four files under gzip/, images stored transposed as EMNIST's are.</summary>
    public static void WriteEmnistZip(string path, string split, byte[] train, byte[] test)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (part, labels) in new[] { ("train", train), ("test", test) })
        {
            var images = IdxFiles.Build(0x803, [labels.Length, 28, 28], Grey(labels.Length, transposed: true));
            Add(zip, $"gzip/emnist-{split}-{part}-images-idx3-ubyte.gz", IdxFiles.Gzip(images));
            Add(zip, $"gzip/emnist-{split}-{part}-labels-idx1-ubyte.gz", IdxFiles.Gzip(IdxFiles.Build(0x801, [labels.Length], labels)));
        }
        // Another split beside it, as the real zip holds every split.
        Add(zip, "gzip/emnist-digits-train-labels-idx1-ubyte.gz", IdxFiles.Gzip(IdxFiles.Build(0x801, [1], [3])));
    }

    /// <summary>
    /// A CIFAR binary tar.gz: for CIFAR-10 (<paramref name="fine"/> only) five train batches and a test batch under
    /// cifar-10-batches-bin/; for CIFAR-100 (with <paramref name="coarse"/>) train.bin and test.bin under cifar-100-binary/.
    /// Record i of the whole train split has label labels[i] and pixels Pixel(i, …); the test split's start at sample 0.
    /// </summary>
    public static void WriteCifar(string path, byte[][] trainBatches, byte[] test, bool hundred, byte[]? records = null)
    {
        var files = new List<byte[]>();
        int n = 0;
        foreach (var batch in trainBatches)
        {
            files.Add(records ?? Records(batch, n, hundred));
            n += batch.Length;
        }
        WriteCifarArchive(path, hundred, [.. files], Records(test, 0, hundred));
    }

    /// <summary>A CIFAR binary tar.gz holding exactly these batch files' bytes (CIFAR-100: one train file).</summary>
    public static void WriteCifarArchive(string path, bool hundred, byte[][] trainFiles, byte[] testFile)
    {
        using var fs = File.Create(path);
        using var gzip = new GZipStream(fs, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Ustar);
        string folder = hundred ? "cifar-100-binary" : "cifar-10-batches-bin";
        AddTar(tar, $"{folder}/batches.meta.txt", Encoding.ASCII.GetBytes("airplane\n"));
        for (int b = 0; b < trainFiles.Length; b++)
            AddTar(tar, $"{folder}/{(hundred ? "train.bin" : $"data_batch_{b + 1}.bin")}", trainFiles[b]);
        AddTar(tar, $"{folder}/{(hundred ? "test.bin" : "test_batch.bin")}", testFile);
    }

    /// <summary>SVHN-style X (uint8 32×32×3×N, column-major) and y (double N×1, 10 for the digit 0) in a level-5 MAT file.</summary>
    /// <param name="rawX">X's bytes as stored (column-major); null: Pixel(n, c, h, w) at element h + 32·w + 1024·c + 3072·n.</param>
    public static void WriteSvhnMat(string path, double[] labels, bool compressed, bool labelsAsBytes, byte[]? rawX = null)
    {
        int count = labels.Length;
        var x = rawX ?? new byte[count * 3072];
        for (int n = 0; n < count && rawX is null; n++)
            for (int c = 0; c < 3; c++)
                for (int h = 0; h < 32; h++)
                    for (int w = 0; w < 32; w++)
                        x[h + 32 * w + 1024 * c + 3072 * n] = Pixel(n, c, h, w);
        byte[] y = labelsAsBytes ? [.. labels.Select(v => (byte)v)] : [.. labels.SelectMany(v => BitConverter.GetBytes(v))];
        using var fs = File.Create(path);
        var header = new byte[128];
        Encoding.ASCII.GetBytes("MATLAB 5.0 MAT-file, written by a TrainSwarm test".PadRight(116)).CopyTo(header, 0);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(124), 0x0100);
        header[126] = (byte)'I';
        header[127] = (byte)'M';
        fs.Write(header);
        // A char variable first, which the reader must step over.
        Element(fs, Matrix(classId: 4, [1, 2], "__note__", 4, [(byte)'h', 0, (byte)'i', 0]), compressed);
        Element(fs, Matrix(classId: 9, [32, 32, 3, count], "X", 2, x), compressed);
        Element(fs, Matrix(classId: 6, [count, 1], "y", labelsAsBytes ? 2 : 9, y), compressed);
    }

    private static byte[] Grey(int count, bool transposed)
    {
        var data = new byte[count * 784];
        for (int n = 0; n < count; n++)
            for (int h = 0; h < 28; h++)
                for (int w = 0; w < 28; w++)
                    data[n * 784 + (transposed ? w * 28 + h : h * 28 + w)] = Pixel(n, 0, h, w);
        return data;
    }

    private static byte[] Records(byte[] labels, int first, bool hundred)
    {
        int record = (hundred ? 2 : 1) + 3072;
        var bytes = new byte[labels.Length * record];
        for (int i = 0; i < labels.Length; i++)
        {
            int o = i * record;
            if (hundred)
                bytes[o++] = (byte)(labels[i] / 5);
            bytes[o++] = labels[i];
            for (int c = 0; c < 3; c++)
                for (int h = 0; h < 32; h++)
                    for (int w = 0; w < 32; w++)
                        bytes[o + c * 1024 + h * 32 + w] = Pixel(first + i, c, h, w);
        }
        return bytes;
    }

    // A miMATRIX element: array flags, dimensions, name (a small element when it fits in 4 bytes), real part.
    private static byte[] Matrix(int classId, int[] dims, string name, int dataType, byte[] data)
    {
        using var body = new MemoryStream();
        SubElement(body, 6, BitConverter.GetBytes((long)classId));
        SubElement(body, 5, [.. dims.SelectMany(BitConverter.GetBytes)]);
        var nameBytes = Encoding.ASCII.GetBytes(name);
        if (nameBytes.Length <= 4)
        {
            var small = new byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(small, (uint)(nameBytes.Length << 16 | 1));
            nameBytes.CopyTo(small, 4);
            body.Write(small);
        }
        else
        {
            SubElement(body, 1, nameBytes);
        }
        SubElement(body, dataType, data);
        using var element = new MemoryStream();
        Tag(element, 14, (int)body.Length);
        body.WriteTo(element);
        return element.ToArray();
    }

    private static void Element(Stream s, byte[] matrix, bool compressed)
    {
        if (!compressed)
        {
            s.Write(matrix);
            return;
        }
        using var packed = new MemoryStream();
        using (var zlib = new ZLibStream(packed, CompressionLevel.Fastest, leaveOpen: true))
            zlib.Write(matrix);
        Tag(s, 15, (int)packed.Length);
        packed.WriteTo(s);
    }

    private static void SubElement(Stream s, int type, byte[] data)
    {
        Tag(s, type, data.Length);
        s.Write(data);
        s.Write(new byte[(8 - data.Length % 8) % 8]);
    }

    private static void Tag(Stream s, int type, int size)
    {
        Span<byte> tag = stackalloc byte[8];
        BinaryPrimitives.WriteInt32LittleEndian(tag, type);
        BinaryPrimitives.WriteInt32LittleEndian(tag[4..], size);
        s.Write(tag);
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using var s = zip.CreateEntry(name).Open();
        s.Write(bytes);
    }

    private static void AddTar(TarWriter tar, string name, byte[] bytes) =>
        tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
}
