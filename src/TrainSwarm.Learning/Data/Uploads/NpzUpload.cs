namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>
/// A NumPy pair in an <c>.npz</c> (a zip, as <c>numpy.savez</c> writes): images <c>x.npy</c> and labels <c>y.npy</c>
/// (also <c>images</c>/<c>labels</c> or <c>x_train</c>/<c>y_train</c>). Images are (N, H, W), (N, H, W, C) as NumPy and Keras
/// keep them, or (N, C, H, W) as PyTorch does; uint8 pixels are divided by 255, float pixels must already be in [0, 1].
/// </summary>
public static class NpzUpload
{
    private static readonly string[] ImageNames = ["x.npy", "images.npy", "x_train.npy"];
    private static readonly string[] LabelNames = ["y.npy", "labels.npy", "y_train.npy"];

    /// <summary>Parses and checks the pair; labels are numbered classes.</summary>
    public static ParsedUpload Parse(ReadOnlyMemory<byte> npz, string source)
    {
        var entries = ZipEntries.Read(npz, source);
        var (xName, xBytes) = Pick(entries, ImageNames, source, "image");
        var (yName, yBytes) = Pick(entries, LabelNames, source, "label");
        var x = NpyArray.Parse(xBytes, $"{source} entry {xName}");
        var y = NpyArray.Parse(yBytes, $"{source} entry {yName}");
        var (xWhere, yWhere) = ($"{source} entry {xName}", $"{source} entry {yName}");
        if (y.Shape.Length != 1)
            throw new UploadRejectedException(yWhere, $"labels must be one-dimensional (N), not ({string.Join(", ", y.Shape)})");
        if (!y.IsInteger)
            throw new UploadRejectedException(yWhere, $"labels must be integers, not {y.Dtype}");
        if (x.Shape.Length is not (3 or 4))
            throw new UploadRejectedException(xWhere, $"images must be (N, H, W), (N, H, W, C) or (N, C, H, W), not ({string.Join(", ", x.Shape)})");
        var n = x.Shape[0];
        if (n != y.Shape[0])
            throw new UploadRejectedException(yWhere, $"{y.Shape[0]} labels for the {n} images of {xName}");
        ImageChecks.Count(n, xWhere);
        var (c, h, w, channelsLast) = Layout(x.Shape, xWhere);
        ImageChecks.Size(h, w, xWhere);
        var labels = new int[n];
        for (var i = 0; i < n; i++)
        {
            if (y.Values[i] is < 0 or > UploadLimits.MaxClasses)
                throw new UploadRejectedException(yWhere, $"unknown label {y.Values[i]} of sample {i}: labels must be in [0, {UploadLimits.MaxClasses})");
            labels[i] = (int)y.Values[i];
        }
        var classes = LabelChecks.Classes(labels, null, yWhere);
        var pixels = Pixels(x, n, c, h, w, channelsLast, xWhere);
        return new ParsedUpload(UploadFormat.Npz, new LabeledImages(pixels, labels, c, h, w, classes), LabelChecks.Numbered(classes));
    }

    private static (string Name, byte[] Bytes) Pick(List<(string Name, byte[] Bytes)> entries, string[] names, string source, string what)
    {
        foreach (var name in names)
        {
            var hit = entries.FindIndex(e => string.Equals(e.Name, name, StringComparison.Ordinal));
            if (hit >= 0)
                return entries[hit];
        }
        throw new UploadRejectedException(source,
            $"no {what} array: expected one of {string.Join(", ", names)}, found {string.Join(", ", entries.Select(e => e.Name))}");
    }

    // A last dimension of 1 or 3 is channels-last (NumPy, Keras); otherwise a second dimension of 1 or 3 is channels-first.
    private static (int C, int H, int W, bool ChannelsLast) Layout(int[] s, string where)
    {
        if (s.Length == 3) return (1, s[1], s[2], false);
        if (s[3] is 1 or 3) return (s[3], s[1], s[2], true);
        if (s[1] is 1 or 3) return (s[1], s[2], s[3], false);
        throw new UploadRejectedException(where, $"images ({string.Join(", ", s)}) have neither 1 nor 3 channels first or last");
    }

    private static float[] Pixels(NpyArray x, int n, int c, int h, int w, bool channelsLast, string where)
    {
        var pixels = new float[(long)n * c * h * w];
        var fromBytes = x.Dtype is "|u1" or "<u1";
        if (x.IsInteger && !fromBytes)
            throw new UploadRejectedException(where, $"integer images must be uint8 (u1), not {x.Dtype}");
        for (long i = 0; i < pixels.Length; i++)
        {
            // Output index i is (sample, channel, row, col); the source index differs only for channels-last arrays.
            var src = i;
            if (channelsLast)
            {
                var col = i % w;
                var row = i / w % h;
                var ch = i / ((long)w * h) % c;
                var sample = i / ((long)w * h * c);
                src = ((sample * h + row) * w + col) * c + ch;
            }
            var v = x.Values[src];
            if (fromBytes)
            {
                pixels[i] = (float)v / 255f;
                continue;
            }
            if (double.IsNaN(v) || double.IsInfinity(v))
                throw new UploadRejectedException(where, $"element {src} is {v}: NaN and infinities are refused");
            if (v is < 0 or > 1)
                throw new UploadRejectedException(where, $"element {src} is {v}: float pixels must be in [0, 1]");
            pixels[i] = (float)v;
        }
        return pixels;
    }
}
