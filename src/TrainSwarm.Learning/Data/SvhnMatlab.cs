namespace TrainSwarm.Learning.Data;

/// <summary>
/// SVHN's cropped digits as its MATLAB files hold them: <c>X</c> uint8 32×32×3×N, column-major (so sample n, channel c, row h,
/// column w is element h + 32·w + 1024·c + 3072·n), and <c>y</c> N×1 labels 1–10, where 10 is the digit 0.
/// </summary>
public static class SvhnMatlab
{
    private const int Side = 32, Channels = 3, Classes = 10;

    /// <summary>The images and labels of one file (train_32x32.mat or test_32x32.mat), pixels in [0, 1], (N, 3, 32, 32).</summary>
    public static LabeledImages Load(string path)
    {
        var arrays = MatFile.Read(path, "X", "y");
        var x = arrays["X"];
        var y = arrays["y"];
        if (x.Bytes is null || x.Dimensions is not [Side, Side, Channels, var count])
            throw new DataFormatException(path,
                $"X must be uint8 32x32x3xN, found {(x.Bytes is null ? "double" : "uint8")} [{string.Join("x", x.Dimensions)}]");
        if (y.Count != count || y.Dimensions.Count(d => d != 1) > 1)
            throw new DataFormatException(path, $"y must hold one label per image ({count}), found [{string.Join("x", y.Dimensions)}]");
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            double v = y.Values is { } values ? values[i] : y.Bytes![i];
            if (v is < 1 or > 10 || v != Math.Floor(v))
                throw new DataFormatException(path, $"label {v} of sample {i} is not 1-10");
            labels[i] = (int)v % 10;
        }
        var pixels = new float[(long)count * Channels * Side * Side];
        var src = x.Bytes;
        Parallel.For(0, count, n =>
        {
            long sample = (long)n * Channels * Side * Side;
            for (int c = 0; c < Channels; c++)
            {
                long plane = sample + c * Side * Side;
                for (int h = 0; h < Side; h++)
                {
                    for (int w = 0; w < Side; w++)
                        pixels[plane + h * Side + w] = src[plane + w * Side + h] / 255f;
                }
            }
        });
        return new LabeledImages(pixels, labels, Channels, Side, Side, Classes);
    }
}
