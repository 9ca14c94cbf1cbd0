using SkiaSharp;
using TrainSwarm.Learning.Data.Uploads;
using static TrainSwarm.Learning.Tests.Data.Uploads.UploadFixtures;

namespace TrainSwarm.Learning.Tests.Data.Uploads;

public class PngZipUploadTests
{
    private static ParsedUpload Parse(params (string, byte[])[] entries) => DatasetUploadParser.Parse(UploadFormat.PngZip, Zip(entries), "p.zip");

    private static string Refusal(params (string, byte[])[] entries) => Assert.Throws<UploadRejectedException>(() => Parse(entries)).Message;

    [Fact]
    public void Grey_folders_become_one_channel_classes_in_name_order()
    {
        var parsed = Parse(
            ("shapes/square/b.png", Png(3, 2, SKColors.White)),
            ("shapes/circle/a.png", Png(3, 2, default, ramp: true)),
            ("shapes/square/a.png", Png(3, 2, SKColors.Black)));
        Assert.Equal(["circle", "square"], parsed.ClassNames);
        Assert.Equal([1, 2, 3], parsed.InputShape);
        // Sorted by file name, then folder: circle/a, square/a, square/b.
        Assert.Equal([0, 1, 1], parsed.Data.Labels);
        Assert.Equal([0f, 51 / 255f, 102 / 255f, 153 / 255f, 204 / 255f, 1f], parsed.Data.Image(0).ToArray());
        Assert.All(parsed.Data.Image(1).ToArray(), p => Assert.Equal(0f, p));
        Assert.All(parsed.Data.Image(2).ToArray(), p => Assert.Equal(1f, p));
    }

    [Fact]
    public void Images_keep_the_order_of_their_file_names_across_class_folders()
    {
        var parsed = Parse(
            ("b/00000.png", Png(1, 1, SKColors.Black)),
            ("a/00001.png", Png(1, 1, SKColors.White)),
            ("b/00002.png", Png(1, 1, SKColors.White)),
            ("a/00003.png", Png(1, 1, SKColors.Black)));
        // 00000, 00001, 00002, 00003 as a CSV's lines would be, not grouped by class (a/00001, a/00003, b/00000, b/00002).
        Assert.Equal([1, 0, 1, 0], parsed.Data.Labels);
        Assert.Equal([0f, 1f, 1f, 0f], Enumerable.Range(0, 4).Select(i => parsed.Data.Image(i)[0]));
    }

    [Fact]
    public void A_coloured_image_makes_the_dataset_rgb()
    {
        var parsed = Parse(("a/1.png", Png(2, 2, new SKColor(255, 0, 0))), ("b/1.png", Png(2, 2, SKColors.White)));
        Assert.Equal([3, 2, 2], parsed.InputShape);
        Assert.Equal([1f, 1f, 1f, 1f, 0f, 0f, 0f, 0f, 0f, 0f, 0f, 0f], parsed.Data.Image(0).ToArray());
    }

    [Fact]
    public void Each_refusal_names_its_entry()
    {
        Assert.Equal("p.zip entry b/1.png: wrong image size: 3x2 pixels, but a/1.png is 2x2",
            Refusal(("a/1.png", Png(2, 2, SKColors.White)), ("b/1.png", Png(3, 2, SKColors.White))));
        Assert.Equal("p.zip entry b/1.png: not a readable PNG image",
            Refusal(("a/1.png", Png(2, 2, SKColors.White)), ("b/1.png", [1, 2, 3, 4])));
        Assert.Equal("p.zip entry loose.png: not in a class folder: images must be at <class>/<file>.png",
            Refusal(("a/1.png", Png(2, 2, SKColors.White)), ("loose.png", Png(2, 2, SKColors.White))));
        Assert.Equal("p.zip entry a/notes.txt: not a .png file", Refusal(("a/notes.txt", [65])));
        Assert.Equal("p.zip: one class folder (a); a classifier needs at least 2", Refusal(("a/1.png", Png(2, 2, SKColors.White))));
    }
}
