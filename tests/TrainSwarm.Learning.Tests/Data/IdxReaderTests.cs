using TrainSwarm.Learning.Data;

namespace TrainSwarm.Learning.Tests.Data;

public class IdxReaderTests
{
    private static readonly byte[] Pixels = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)(i * 10)).ToArray();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_and_labels_round_trip(bool gzip)
    {
        using var dir = new TempDir();
        byte[] images = IdxFiles.Build(IdxReader.ImagesMagic, [2, 3, 4], Pixels);
        byte[] labels = IdxFiles.Build(IdxReader.LabelsMagic, [2], [7, 1]);
        if (gzip) (images, labels) = (IdxFiles.Gzip(images), IdxFiles.Gzip(labels));
        string imagesPath = IdxFiles.Write(dir.Path, "img", images);
        string labelsPath = IdxFiles.Write(dir.Path, "lbl", labels);

        IdxData read = IdxReader.ReadImages(imagesPath);
        Assert.Equal([2, 3, 4], read.Dimensions);
        Assert.Equal(Pixels, read.Data);
        Assert.Equal([7, 1], IdxReader.ReadLabels(labelsPath).Data);

        LabeledImages set = LabeledImages.FromIdx(imagesPath, labelsPath, classes: 10);
        Assert.Equal((2, 1, 3, 4, 10), (set.Count, set.Channels, set.Height, set.Width, set.Classes));
        Assert.Equal([7, 1], set.Labels);
        // Exact: v / 255f for each byte.
        Assert.Equal(Pixels.Select(p => p / 255f), set.Pixels);
        Assert.Equal(Pixels.Skip(12).Select(p => p / 255f), set.Image(1).ToArray());
    }

    public static TheoryData<string, byte[], string> Malformed => new()
    {
        { "empty", [], "truncated" },
        { "short magic", [0, 0, 8], "truncated" },
        { "bad magic", IdxFiles.Build(0x12340803, [2, 3, 4], Pixels), "bad magic" },
        { "not ubyte", IdxFiles.Build(0x00000D03, [2, 3, 4], Pixels), "not unsigned byte" },
        { "labels as images", IdxFiles.Build(IdxReader.LabelsMagic, [24], Pixels), "1 dimensions, expected 3" },
        { "header cut", IdxFiles.Build(IdxReader.ImagesMagic, [2, 3, 4], Pixels)[..10], "header ends inside dimension 1" },
        { "data cut", IdxFiles.Build(IdxReader.ImagesMagic, [2, 3, 4], Pixels)[..^1], "need 24 data bytes, found 23" },
        { "wrong dims", IdxFiles.Build(IdxReader.ImagesMagic, [3, 3, 4], Pixels), "need 36 data bytes, found 24" },
        { "trailing", IdxFiles.Build(IdxReader.ImagesMagic, [1, 3, 4], Pixels), "trailing bytes" },
        { "negative dim", IdxFiles.Build(IdxReader.ImagesMagic, [2, -3, 4], Pixels), "negative" },
        { "gzip cut", IdxFiles.Gzip(IdxFiles.Build(IdxReader.ImagesMagic, [2, 3, 4], Pixels))[..20], "" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_file_names_the_file_and_the_problem(string name, byte[] bytes, string problem)
    {
        using var dir = new TempDir();
        string path = IdxFiles.Write(dir.Path, name.Replace(' ', '_'), bytes);
        var e = Assert.Throws<DataFormatException>(() => IdxReader.ReadImages(path));
        Assert.Equal(path, e.File);
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void Label_count_must_match_image_count()
    {
        using var dir = new TempDir();
        string images = IdxFiles.Write(dir.Path, "img", IdxFiles.Build(IdxReader.ImagesMagic, [2, 3, 4], Pixels));
        string labels = IdxFiles.Write(dir.Path, "lbl", IdxFiles.Build(IdxReader.LabelsMagic, [3], [1, 2, 3]));
        var e = Assert.Throws<DataFormatException>(() => LabeledImages.FromIdx(images, labels, 10));
        Assert.Contains("3 labels for the 2 images", e.Message);
    }

    [Fact]
    public void Label_outside_the_classes_is_rejected()
    {
        using var dir = new TempDir();
        string images = IdxFiles.Write(dir.Path, "img", IdxFiles.Build(IdxReader.ImagesMagic, [2, 3, 4], Pixels));
        string labels = IdxFiles.Write(dir.Path, "lbl", IdxFiles.Build(IdxReader.LabelsMagic, [2], [1, 10]));
        var e = Assert.Throws<DataFormatException>(() => LabeledImages.FromIdx(images, labels, 10));
        Assert.Contains("label 10 of sample 1", e.Message);
    }

    [Fact]
    public void Slice_copies_a_contiguous_range()
    {
        float[] pixels = Enumerable.Range(0, 5 * 4).Select(i => i / 100f).ToArray();
        var set = new LabeledImages(pixels, [0, 1, 2, 3, 4], 1, 2, 2, 5);
        LabeledImages shard = set.Slice(1, 3);
        Assert.Equal([1, 2, 3], shard.Labels);
        Assert.Equal(pixels[4..16], shard.Pixels);
        Assert.Throws<ArgumentOutOfRangeException>(() => set.Slice(3, 3));
        Assert.Equal(0, set.Slice(5, 0).Count);
    }
}
