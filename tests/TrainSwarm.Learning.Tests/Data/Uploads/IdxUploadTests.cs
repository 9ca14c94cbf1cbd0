using TrainSwarm.Learning.Data.Uploads;
using static TrainSwarm.Learning.Tests.Data.Uploads.UploadFixtures;

namespace TrainSwarm.Learning.Tests.Data.Uploads;

public class IdxUploadTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_pair_in_a_zip_parses_raw_or_gzip_whatever_the_names(bool gzip)
    {
        var (pixels, labels) = Samples(6, 4, 5, 3);
        var zip = Zip(("lbl.bin", Idx([6], labels, gzip)), ("img.bin", Idx([6, 4, 5], pixels, gzip)));
        var parsed = DatasetUploadParser.Parse(UploadFormat.Idx, zip, "pair.zip");
        Assert.Equal([1, 4, 5], parsed.InputShape);
        Assert.Equal((6, 3), (parsed.Data.Count, parsed.Data.Classes));
        Assert.Equal(["0", "1", "2"], parsed.ClassNames);
        Assert.Equal(labels.Select(l => (int)l), parsed.Data.Labels);
        Assert.Equal(pixels[7] / 255f, parsed.Data.Pixels[7]);
    }

    [Fact]
    public void Mismatched_counts_name_the_label_entry()
    {
        var (pixels, labels) = Samples(6, 4, 4, 3);
        var zip = Zip(("images", Idx([6, 4, 4], pixels)), ("labels", Idx([5], labels[..5])));
        var e = Assert.Throws<UploadRejectedException>(() => DatasetUploadParser.Parse(UploadFormat.Idx, zip, "pair.zip"));
        Assert.Equal("pair.zip entry labels: 5 labels for the 6 images of images", e.Message);
    }

    [Fact]
    public void An_empty_class_is_refused()
    {
        var (pixels, _) = Samples(4, 2, 2, 2);
        var zip = Zip(("images", Idx([4, 2, 2], pixels)), ("labels", Idx([4], [0, 2, 0, 2])));
        var e = Assert.Throws<UploadRejectedException>(() => DatasetUploadParser.Parse(UploadFormat.Idx, zip, "pair.zip"));
        Assert.Equal("pair.zip entry labels: empty classes: no sample has label 1", e.Message);
    }

    [Fact]
    public void A_missing_label_file_and_a_corrupt_entry_are_named()
    {
        var (pixels, _) = Samples(4, 2, 2, 2);
        var e = Assert.Throws<UploadRejectedException>(() =>
            DatasetUploadParser.Parse(UploadFormat.Idx, Zip(("images", Idx([4, 2, 2], pixels))), "pair.zip"));
        Assert.Equal("pair.zip: no IDX label file (magic 0x00000801) in the archive", e.Message);
        var truncated = Idx([4, 2, 2], pixels)[..^1];
        e = Assert.Throws<UploadRejectedException>(() =>
            DatasetUploadParser.Parse(UploadFormat.Idx, Zip(("images", truncated), ("labels", Idx([4], [0, 1, 0, 1]))), "pair.zip"));
        Assert.StartsWith("pair.zip entry images: truncated", e.Message);
    }

    [Fact]
    public void Not_a_zip_is_refused()
    {
        var e = Assert.Throws<UploadRejectedException>(() => DatasetUploadParser.Parse(UploadFormat.Idx, new byte[] { 1, 2, 3 }, "x.gz"));
        Assert.StartsWith("x.gz: not a readable zip archive", e.Message);
    }

    [Fact]
    public void Uploads_over_the_limit_and_empty_ones_are_refused_before_parsing()
    {
        var e = Assert.Throws<UploadRejectedException>(() => DatasetUploadParser.Parse(UploadFormat.Idx, Array.Empty<byte>(), "x.zip"));
        Assert.Equal("x.zip: the file is empty", e.Message);
        Assert.Equal(256L << 20, UploadLimits.MaxBytes);
    }
}
