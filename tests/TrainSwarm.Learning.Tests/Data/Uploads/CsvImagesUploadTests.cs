using System.Text;
using TrainSwarm.Learning.Data.Uploads;
using static TrainSwarm.Learning.Tests.Data.Uploads.UploadFixtures;

namespace TrainSwarm.Learning.Tests.Data.Uploads;

public class CsvImagesUploadTests
{
    private static ParsedUpload Parse(string text, string? shape = null) =>
        DatasetUploadParser.Parse(UploadFormat.Csv, Encoding.UTF8.GetBytes(text), "d.csv", new UploadOptions(shape));

    private static string Refusal(string text, string? shape = null) =>
        Assert.Throws<UploadRejectedException>(() => Parse(text, shape)).Message;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Square_greyscale_images_parse_with_or_without_a_header(bool header)
    {
        var (pixels, labels) = Samples(5, 3, 3, 2);
        var parsed = DatasetUploadParser.Parse(UploadFormat.Csv, Csv(pixels, labels, header), "d.csv");
        Assert.Equal([1, 3, 3], parsed.InputShape);
        Assert.Equal(labels.Select(l => (int)l), parsed.Data.Labels);
        Assert.Equal(pixels.Select(p => p / 255f), parsed.Data.Pixels);
    }

    [Fact]
    public void A_declared_shape_and_a_guessed_rgb_one()
    {
        Assert.Equal([1, 1, 2], Parse("0,1,2\n1,3,4\n", "1x2").InputShape);
        Assert.Equal([3, 1, 1], Parse("0,1,2,3\n1,3,4,5\n").InputShape);
    }

    [Fact]
    public void Each_bad_line_is_named()
    {
        Assert.Equal("d.csv line 3: 3 pixels, but the first line has 4", Refusal("label,a,b,c,d\n0,1,2,3,4\n1,1,2,3\n"));
        Assert.Equal("d.csv line 2: pixel 1 is NaN: NaN and infinities are refused", Refusal("0,1,2,3,4\n1,1,NaN,3,4\n"));
        Assert.Equal("d.csv line 1: pixel 0 is 256, outside 0–255", Refusal("0,256,2,3,4\n1,1,2,3,4\n"));
        Assert.Equal("d.csv line 2: pixel 2 'x' is not a number", Refusal("0,1,2,3,4\n1,1,2,x,4\n"));
        Assert.Equal("d.csv line 2: the label 'cat' is not an integer", Refusal("0,1,2,3,4\ncat,1,2,3,4\n"));
    }

    [Fact]
    public void Unknown_labels_empty_classes_and_wrong_sizes_are_refused()
    {
        Assert.Equal("d.csv: unknown label -1 of sample 1: labels must be in [0, 1000)", Refusal("0,1,2,3,4\n-1,1,2,3,4\n"));
        Assert.Equal("d.csv: empty classes: no sample has label 1", Refusal("0,1,2,3,4\n2,1,2,3,4\n"));
        Assert.Equal("d.csv: wrong image size: 5 pixels a line make no square image; give the shape (HxW or CxHxW)",
            Refusal("0,1,2,3,4,5\n1,1,2,3,4,5\n"));
        Assert.Equal("d.csv: wrong image size: the shape 3x3 needs 9 pixels a line, the file has 4", Refusal("0,1,2,3,4\n1,1,2,3,4\n", "3x3"));
        Assert.Equal("d.csv: no samples", Refusal("label,p0\n"));
    }
}
