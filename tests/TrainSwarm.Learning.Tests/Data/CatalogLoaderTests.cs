using TrainSwarm.Learning.Data;

namespace TrainSwarm.Learning.Tests.Data;

/// <summary>Every catalog layout loads from small files in its real format, each pixel and label where it belongs.</summary>
public sealed class CatalogLoaderTests
{
    [Theory]
    [InlineData("mnist")]
    [InlineData("kmnist")]
    public void Mnist_and_kmnist_load_through_the_idx_path(string name)
    {
        using var tmp = new TempDir();
        CatalogFixtures.WriteIdx(tmp.Path, [3, 9, 0], [7]);
        var (train, test) = CatalogData.Load(DatasetCatalog.Get(name), tmp.Path);
        Assert.Equal([3, 9, 0], train.Labels);
        Assert.Equal([7], test.Labels);
        AssertPixels(train, 1, 28);
    }

    [Fact]
    public void Emnist_balanced_comes_out_of_the_zip_with_its_images_turned_back_to_rows()
    {
        using var tmp = new TempDir();
        CatalogFixtures.WriteEmnistZip(Path.Combine(tmp.Path, "emnist-gzip.zip"), "balanced", [46, 0, 12], [45, 1]);
        var (train, test) = CatalogData.Load(DatasetCatalog.EmnistBalanced, tmp.Path);
        Assert.Equal([46, 0, 12], train.Labels);
        Assert.Equal([45, 1], test.Labels);
        Assert.Equal(47, train.Classes);
        AssertPixels(train, 1, 28);
        AssertPixels(test, 1, 28);
    }

    [Fact]
    public void Cifar10_joins_its_five_train_batches_in_order_and_reads_the_test_batch()
    {
        using var tmp = new TempDir();
        CatalogFixtures.WriteCifar(Path.Combine(tmp.Path, "cifar-10-binary.tar.gz"), [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]], [9, 4], hundred: false);
        var (train, test) = CatalogData.Load(DatasetCatalog.Cifar10, tmp.Path);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], train.Labels);
        Assert.Equal([9, 4], test.Labels);
        Assert.Equal((3, 32, 32, 10), (train.Channels, train.Height, train.Width, train.Classes));
        AssertPixels(train, 3, 32);
        AssertPixels(test, 3, 32);
    }

    [Fact]
    public void Cifar100_takes_the_fine_label_of_each_record()
    {
        using var tmp = new TempDir();
        CatalogFixtures.WriteCifar(Path.Combine(tmp.Path, "cifar-100-binary.tar.gz"), [[99, 0, 57]], [42], hundred: true);
        var (train, test) = CatalogData.Load(DatasetCatalog.Cifar100, tmp.Path);
        Assert.Equal([99, 0, 57], train.Labels);
        Assert.Equal([42], test.Labels);
        Assert.Equal(100, train.Classes);
        AssertPixels(train, 3, 32);
    }

    [Fact]
    public void A_cifar_batch_that_is_not_whole_records_is_refused_naming_it()
    {
        using var tmp = new TempDir();
        string path = Path.Combine(tmp.Path, "cifar-10-binary.tar.gz");
        CatalogFixtures.WriteCifar(path, [[0], [1], [2], [3], [4]], [5], hundred: false, records: new byte[3074]);
        var e = Assert.Throws<DataFormatException>(() => CatalogData.Load(DatasetCatalog.Cifar10, tmp.Path));
        Assert.Equal($"{path}: data_batch_1.bin: 3074 bytes are not whole 3073-byte records", e.Message);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Svhn_reads_x_and_y_from_mat_files_plain_or_compressed_with_10_as_the_digit_0(bool compressed, bool labelsAsBytes)
    {
        using var tmp = new TempDir();
        CatalogFixtures.WriteSvhnMat(Path.Combine(tmp.Path, "train_32x32.mat"), [10, 1, 5], compressed, labelsAsBytes);
        CatalogFixtures.WriteSvhnMat(Path.Combine(tmp.Path, "test_32x32.mat"), [9, 10], compressed, labelsAsBytes);
        var (train, test) = CatalogData.Load(DatasetCatalog.Svhn, tmp.Path);
        Assert.Equal([0, 1, 5], train.Labels);
        Assert.Equal([9, 0], test.Labels);
        AssertPixels(train, 3, 32);
        AssertPixels(test, 3, 32);
    }

    [Fact]
    public void A_mat_file_without_y_or_with_labels_outside_1_to_10_is_refused()
    {
        using var tmp = new TempDir();
        string path = Path.Combine(tmp.Path, "bad.mat");
        CatalogFixtures.WriteSvhnMat(path, [0], compressed: true, labelsAsBytes: false);
        Assert.Equal($"{path}: label 0 of sample 0 is not 1-10", Assert.Throws<DataFormatException>(() => SvhnMatlab.Load(path)).Message);
        var e = Assert.Throws<DataFormatException>(() => MatFile.Read(path, "X", "z"));
        Assert.Equal($"{path}: no variable z (found: X)", e.Message);
        File.WriteAllBytes(path, new byte[200]);
        Assert.Contains("not a level-5 MAT file", Assert.Throws<DataFormatException>(() => MatFile.Read(path, "X")).Message, StringComparison.Ordinal);
    }

    // Every pixel of every image is its fixture byte / 255, at (n, c, h, w) in the (N, C, H, W) layout.
    private static void AssertPixels(LabeledImages images, int channels, int side)
    {
        Assert.Equal((channels, side, side), (images.Channels, images.Height, images.Width));
        for (int n = 0; n < images.Count; n++)
        {
            var image = images.Image(n);
            for (int c = 0; c < channels; c++)
                for (int h = 0; h < side; h++)
                    for (int w = 0; w < side; w++)
                    {
                        float expected = CatalogFixtures.Pixel(n, c, h, w) / 255f;
                        float actual = image[(c * side + h) * side + w];
                        if (expected != actual)
                            Assert.Fail($"sample {n} channel {c} row {h} column {w}: {actual}, expected {expected}");
                    }
        }
    }
}
