using TrainSwarm.Learning.Data.Uploads;
using static TrainSwarm.Learning.Tests.Data.Uploads.UploadFixtures;

namespace TrainSwarm.Learning.Tests.Data.Uploads;

public class NpzUploadTests
{
    private static ParsedUpload Parse(byte[] x, byte[] y) =>
        DatasetUploadParser.Parse(UploadFormat.Npz, Zip(("x.npy", x), ("y.npy", y)), "d.npz");

    private static string Refusal(byte[] x, byte[] y) => Assert.Throws<UploadRejectedException>(() => Parse(x, y)).Message;

    private static readonly byte[] Labels4 = Npy("<i8", [4], [0, 1, 1, 0]);

    [Fact]
    public void Uint8_greyscale_images_are_divided_by_255()
    {
        var values = Enumerable.Range(0, 4 * 2 * 3).Select(i => (double)(i * 10)).ToArray();
        var parsed = Parse(Npy("|u1", [4, 2, 3], values), Labels4);
        Assert.Equal([1, 2, 3], parsed.InputShape);
        Assert.Equal(values.Select(v => (float)v / 255f), parsed.Data.Pixels);
        Assert.Equal([0, 1, 1, 0], parsed.Data.Labels);
    }

    [Fact]
    public void Channels_last_rgb_is_reordered_to_channels_first()
    {
        // 2 samples of 1×2 pixels × 3 channels, value = sample·100 + col·10 + channel.
        var values = new double[2 * 1 * 2 * 3];
        for (var s = 0; s < 2; s++)
            for (var c = 0; c < 2; c++)
                for (var ch = 0; ch < 3; ch++)
                    values[(s * 2 + c) * 3 + ch] = s * 100 + c * 10 + ch;
        var parsed = Parse(Npy("|u1", [2, 1, 2, 3], values), Npy("<i8", [2], [0, 1]));
        Assert.Equal([3, 1, 2], parsed.InputShape);
        Assert.Equal(new double[] { 0, 10, 1, 11, 2, 12, 100, 110, 101, 111, 102, 112 }.Select(v => (float)v / 255f), parsed.Data.Pixels);
    }

    [Fact]
    public void Each_refusal_names_its_entry()
    {
        var x = Npy("|u1", [4, 2, 2], new double[16]);
        Assert.Equal("d.npz entry y.npy: 3 labels for the 4 images of x.npy", Refusal(x, Npy("<i8", [3], [0, 1, 0])));
        Assert.Equal("d.npz entry y.npy: labels must be integers, not <f4", Refusal(x, Npy("<f4", [4], [0, 1, 1, 0])));
        Assert.Equal("d.npz entry x.npy: element 3 is NaN: NaN and infinities are refused",
            Refusal(Npy("<f4", [4, 2, 2], [0, 0, 0, double.NaN, .. new double[12]]), Labels4));
        Assert.Equal("d.npz entry y.npy: empty classes: no sample has label 1", Refusal(x, Npy("<i8", [4], [0, 2, 2, 0])));
        Assert.Equal("d.npz entry x.npy: the shape (4, 2, 2) of |u1 needs 16 data bytes, found 15",
            Refusal(Npy("|u1", [4, 2, 2], new double[16])[..^1], Labels4));
        var e = Assert.Throws<UploadRejectedException>(() => DatasetUploadParser.Parse(UploadFormat.Npz, Zip(("a.npy", x)), "d.npz"));
        Assert.Equal("d.npz: no image array: expected one of x.npy, images.npy, x_train.npy, found a.npy", e.Message);
    }
}
