using System.IO.Compression;
using TrainSwarm.Learning.Data;

namespace TrainSwarm.Learning.Tests.Data;

/// <summary>
/// Each catalogue loader against bytes laid out by hand as its source documents the format: every image is black but for one
/// marker byte at a computed file offset, and the test asserts where that byte lands in the (N, C, H, W) tensor, its value, and
/// that no other pixel is lit. <see cref="CatalogLoaderTests"/> checks every pixel through shared writers; these pin the
/// orientation to the format's own documentation, so a writer and a loader cannot agree on the same mistake.
/// </summary>
public sealed class CatalogFormatTests
{
    private const byte Marker = 250;

    // Format source: the MNIST page, http://yann.lecun.com/exdb/mnist/ ("FILE FORMATS FOR THE MNIST DATABASE"): images file =
    // magic 0x00000803, count, rows, columns (32-bit big-endian), then unsigned bytes, "Pixels are organized row-wise"; labels
    // file = magic 0x00000801, count, then one byte a label. KMNIST is a drop-in replacement
    // (https://github.com/rois-codh/kmnist, README: "provided in the original MNIST format").
    [Theory]
    [InlineData("mnist")]
    [InlineData("kmnist")]
    public void Mnist_family_idx_a_byte_at_row_3_column_5_of_image_1_lands_there(string name)
    {
        using var tmp = new TempDir();
        var images = new byte[16 + 2 * 784];
        Header(images, 0x803, 2, 28, 28);
        images[16 + 1 * 784 + 3 * 28 + 5] = Marker;
        var labels = new byte[8 + 2];
        Header(labels, 0x801, 2);
        (labels[8], labels[9]) = (4, 9);
        var testImages = new byte[16 + 784];
        Header(testImages, 0x803, 1, 28, 28);
        var testLabels = new byte[9];
        Header(testLabels, 0x801, 1);
        testLabels[8] = 7;
        IdxFiles.Write(tmp.Path, "train-images-idx3-ubyte.gz", IdxFiles.Gzip(images));
        IdxFiles.Write(tmp.Path, "train-labels-idx1-ubyte.gz", IdxFiles.Gzip(labels));
        IdxFiles.Write(tmp.Path, "t10k-images-idx3-ubyte.gz", IdxFiles.Gzip(testImages));
        IdxFiles.Write(tmp.Path, "t10k-labels-idx1-ubyte.gz", IdxFiles.Gzip(testLabels));

        var (train, test) = CatalogData.Load(DatasetCatalog.Get(name), tmp.Path);
        Assert.Equal((2, 1, 28, 28, 10), (train.Count, train.Channels, train.Height, train.Width, train.Classes));
        Assert.Equal([4, 9], train.Labels);
        Assert.Equal([7], test.Labels);
        AssertOnlyLit(train, sample: 1, channel: 0, row: 3, column: 5);
    }

    // Format source: EMNIST_Readme.txt (Western Sydney University, quoted in https://github.com/pytorch/vision/issues/8783) and
    // Cohen et al., "EMNIST: an extension of MNIST to handwritten letters" (2017): the same IDX files as MNIST, in
    // gzip/emnist-SPLIT-{train,test}-{images-idx3,labels-idx1}-ubyte.gz of emnist-gzip.zip; every image is stored transposed
    // (https://github.com/tensorflow/datasets/issues/812: all of them read rotated and mirrored as MNIST-style rows), so the
    // byte in stored row i, column j is the pixel at row j, column i.
    [Fact]
    public void Emnist_a_byte_stored_at_row_3_column_5_is_the_pixel_at_row_5_column_3()
    {
        using var tmp = new TempDir();
        var images = new byte[16 + 784];
        Header(images, 0x803, 1, 28, 28);
        images[16 + 3 * 28 + 5] = Marker;
        var labels = new byte[9];
        Header(labels, 0x801, 1);
        labels[8] = 46;
        using (var zip = ZipFile.Open(Path.Combine(tmp.Path, "emnist-gzip.zip"), ZipArchiveMode.Create))
        {
            foreach (var part in new[] { "train", "test" })
            {
                Add(zip, $"gzip/emnist-balanced-{part}-images-idx3-ubyte.gz", IdxFiles.Gzip(images));
                Add(zip, $"gzip/emnist-balanced-{part}-labels-idx1-ubyte.gz", IdxFiles.Gzip(labels));
            }
        }

        var (train, test) = CatalogData.Load(DatasetCatalog.EmnistBalanced, tmp.Path);
        Assert.Equal((1, 1, 28, 28, 47), (train.Count, train.Channels, train.Height, train.Width, train.Classes));
        Assert.Equal([46], train.Labels);
        AssertOnlyLit(train, sample: 0, channel: 0, row: 5, column: 3);
        AssertOnlyLit(test, sample: 0, channel: 0, row: 5, column: 3);
    }

    // Format source: https://www.cs.toronto.edu/~kriz/cifar.html, "Binary version": data_batch_1.bin … data_batch_5.bin and
    // test_batch.bin, records of <1 x label><3072 x pixel>; "The first 1024 bytes are the red channel values, the next 1024 the
    // green, and the final 1024 the blue. The values are stored in row-major order, so the first 32 bytes are the red channel
    // values of the first row of the image."
    [Fact]
    public void Cifar10_a_byte_in_the_blue_plane_row_4_column_7_of_batch_3s_second_record_lands_there()
    {
        using var tmp = new TempDir();
        const int Record = 1 + 3072;
        var batches = new byte[5][];
        for (int b = 0; b < 5; b++)
        {
            // One record a batch but the third, which holds two: its second record is sample 1 + 1 + 1 = 3 of the train split.
            batches[b] = new byte[(b == 2 ? 2 : 1) * Record];
            batches[b][0] = (byte)b;
        }
        batches[2][Record] = 8;
        batches[2][Record + 1 + 2 * 1024 + 4 * 32 + 7] = Marker;
        var test = new byte[Record];
        test[0] = 6;
        CatalogFixtures.WriteCifarArchive(Path.Combine(tmp.Path, "cifar-10-binary.tar.gz"), hundred: false, batches, test);

        var (train, testSet) = CatalogData.Load(DatasetCatalog.Cifar10, tmp.Path);
        Assert.Equal((6, 3, 32, 32, 10), (train.Count, train.Channels, train.Height, train.Width, train.Classes));
        Assert.Equal([0, 1, 2, 8, 3, 4], train.Labels);
        Assert.Equal([6], testSet.Labels);
        AssertOnlyLit(train, sample: 3, channel: 2, row: 4, column: 7);
    }

    // Format source: https://www.cs.toronto.edu/~kriz/cifar.html, "Binary version" of CIFAR-100: train.bin and test.bin, records
    // of <1 x coarse label><1 x fine label><3072 x pixel>, the pixels as in CIFAR-10; the 100 classes are the fine labels.
    [Fact]
    public void Cifar100_the_fine_label_is_taken_and_a_green_byte_at_row_31_column_0_lands_there()
    {
        using var tmp = new TempDir();
        const int Record = 2 + 3072;
        var train = new byte[2 * Record];
        (train[0], train[1]) = (19, 99);
        (train[Record], train[Record + 1]) = (4, 0);
        train[2 + 1024 + 31 * 32 + 0] = Marker;
        var test = new byte[Record];
        (test[0], test[1]) = (0, 57);
        CatalogFixtures.WriteCifarArchive(Path.Combine(tmp.Path, "cifar-100-binary.tar.gz"), hundred: true, [train], test);

        var (trainSet, testSet) = CatalogData.Load(DatasetCatalog.Cifar100, tmp.Path);
        Assert.Equal((2, 3, 32, 32, 100), (trainSet.Count, trainSet.Channels, trainSet.Height, trainSet.Width, trainSet.Classes));
        Assert.Equal([99, 0], trainSet.Labels);
        Assert.Equal([57], testSet.Labels);
        AssertOnlyLit(trainSet, sample: 0, channel: 1, row: 31, column: 0);
    }

    // Format source: http://ufldl.stanford.edu/housenumbers/, "Format 2: Cropped Digits": train_32x32.mat and test_32x32.mat hold
    // "a 4-D matrix" X where "X(:,:,:,i) gives the i-th 32-by-32 RGB image, with class label y(i)", and label 10 is the digit 0.
    // MATLAB stores arrays column-major (MathWorks, "MAT-File Format", level 5), so X(h+1, w+1, c+1, n+1) is element
    // h + 32·w + 1024·c + 3072·n, and the first index is the image row.
    [Fact]
    public void Svhn_element_x_5_8_2_2_is_row_4_column_7_green_of_image_1_and_label_10_is_0()
    {
        using var tmp = new TempDir();
        var x = new byte[2 * 3072];
        x[4 + 32 * 7 + 1024 * 1 + 3072 * 1] = Marker;
        CatalogFixtures.WriteSvhnMat(Path.Combine(tmp.Path, "train_32x32.mat"), [3, 10], compressed: true, labelsAsBytes: false, rawX: x);
        CatalogFixtures.WriteSvhnMat(Path.Combine(tmp.Path, "test_32x32.mat"), [10, 1], compressed: false, labelsAsBytes: false, rawX: x);

        var (train, test) = CatalogData.Load(DatasetCatalog.Svhn, tmp.Path);
        Assert.Equal((2, 3, 32, 32, 10), (train.Count, train.Channels, train.Height, train.Width, train.Classes));
        Assert.Equal([3, 0], train.Labels);
        Assert.Equal([0, 1], test.Labels);
        AssertOnlyLit(train, sample: 1, channel: 1, row: 4, column: 7);
        AssertOnlyLit(test, sample: 1, channel: 1, row: 4, column: 7);
    }

    // Sample n, channel c, row h, column w is element ((n·C + c)·H + h)·W + w of the (N, C, H, W) pixels, each byte / 255.
    private static void AssertOnlyLit(LabeledImages images, int sample, int channel, int row, int column)
    {
        int at = ((sample * images.Channels + channel) * images.Height + row) * images.Width + column;
        Assert.Equal(Marker / 255f, images.Pixels[at]);
        var lit = Enumerable.Range(0, images.Pixels.Length).Where(i => images.Pixels[i] != 0).ToArray();
        Assert.Equal([at], lit);
    }

    // An IDX header: the magic number, then each dimension, all 32-bit big-endian.
    private static void Header(byte[] file, int magic, params int[] dims)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(file, magic);
        for (int i = 0; i < dims.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(file.AsSpan(4 + 4 * i), dims[i]);
    }

    private static void Add(ZipArchive zip, string name, byte[] bytes)
    {
        using var s = zip.CreateEntry(name).Open();
        s.Write(bytes);
    }
}
