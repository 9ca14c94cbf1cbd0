using System.IO.Compression;

namespace TrainSwarm.Learning.Data;

/// <summary>
/// One split of EMNIST from the source's <c>emnist-gzip.zip</c>: gzip IDX files named <c>emnist-SPLIT-{train,test}-{images-idx3,
/// labels-idx1}-ubyte.gz</c> (under <c>gzip/</c>). EMNIST stores each image transposed (column after column), so it is turned
/// back to rows here, the orientation of MNIST's digits.
/// </summary>
public static class EmnistZip
{
    /// <summary>Both splits of <paramref name="split"/> (e.g. "balanced") in the zip at <paramref name="path"/>.</summary>
    public static (LabeledImages Train, LabeledImages Test) Load(string path, string split, int classes)
    {
        try
        {
            using var zip = ZipFile.OpenRead(path);
            return (Part(zip, path, split, "train", classes), Part(zip, path, split, "test", classes));
        }
        catch (InvalidDataException e)
        {
            throw new DataFormatException(path, $"not a readable zip ({e.Message})", e);
        }
    }

    private static LabeledImages Part(ZipArchive zip, string path, string split, string part, int classes)
    {
        var images = IdxReader.Read(Entry(zip, path, $"emnist-{split}-{part}-images-idx3-ubyte.gz"), $"{path}!emnist-{split}-{part}-images", 3);
        var labels = IdxReader.Read(Entry(zip, path, $"emnist-{split}-{part}-labels-idx1-ubyte.gz"), $"{path}!emnist-{split}-{part}-labels", 1);
        if (images.Count != labels.Count)
            throw new DataFormatException(path, $"emnist-{split}-{part}: {labels.Count} labels for {images.Count} images");
        int rows = images.Dimensions[1], cols = images.Dimensions[2];
        if (rows == 0 || cols == 0)
            throw new DataFormatException(path, $"emnist-{split}-{part}: images of {rows}x{cols} pixels are empty");
        // Stored (N, cols, rows): element [n, c, r] is the pixel at row r, column c.
        var pixels = new float[images.Data.Length];
        int size = rows * cols;
        for (int n = 0; n < images.Count; n++)
        {
            int start = n * size;
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < cols; c++)
                    pixels[start + r * cols + c] = images.Data[start + c * rows + r] / 255f;
            }
        }
        var ints = new int[labels.Count];
        for (int i = 0; i < ints.Length; i++)
        {
            ints[i] = labels.Data[i];
            if (ints[i] >= classes)
                throw new DataFormatException(path, $"emnist-{split}-{part}: label {ints[i]} of sample {i} is outside [0, {classes})");
        }
        return new LabeledImages(pixels, ints, 1, rows, cols, classes);
    }

    // The entry of that file name in any folder of the zip, copied out: the IDX reader needs a seekable stream to spot gzip.
    private static MemoryStream Entry(ZipArchive zip, string path, string fileName)
    {
        var entry = zip.Entries.FirstOrDefault(e => e.Name == fileName)
            ?? throw new DataFormatException(path, $"the zip lacks {fileName}");
        var ms = new MemoryStream();
        using (var s = entry.Open())
            s.CopyTo(ms);
        ms.Position = 0;
        return ms;
    }
}
