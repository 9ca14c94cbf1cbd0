namespace TrainSwarm.Learning.Data;

/// <summary>
/// An in-memory image classification dataset: pixels as float32 in [0, 1], laid out (N, C, H, W) like a
/// PyTorch batch, and one class label per image.
/// </summary>
public sealed class LabeledImages
{
    /// <summary>Wraps existing arrays (not copied) after checking that their sizes and labels agree.</summary>
    public LabeledImages(float[] pixels, int[] labels, int channels, int height, int width, int classes)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        long sampleSize = (long)channels * height * width;
        if (pixels.LongLength != labels.LongLength * sampleSize)
        {
            throw new ArgumentException($"{pixels.Length} pixels do not make {labels.Length} images of {channels}x{height}x{width}", nameof(pixels));
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                throw new ArgumentException($"label {labels[i]} of sample {i} is outside [0, {classes})", nameof(labels));
            }
        }
        Pixels = pixels;
        Labels = labels;
        Channels = channels;
        Height = height;
        Width = width;
        Classes = classes;
    }

    /// <summary>All pixels, (N, C, H, W) row-major, each in [0, 1].</summary>
    public float[] Pixels { get; }

    /// <summary>One label in [0, <see cref="Classes"/>) per image.</summary>
    public int[] Labels { get; }

    /// <summary>The number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Channels per image (1 for grayscale).</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>The number of classes.</summary>
    public int Classes { get; }

    /// <summary>Floats per image: C × H × W.</summary>
    public int SampleSize => Channels * Height * Width;

    /// <summary>The pixels of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index) => Pixels.AsSpan(checked(index * SampleSize), SampleSize);

    /// <summary>A copy of images [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>), e.g. one shard.</summary>
    public LabeledImages Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (start > Count - count) throw new ArgumentOutOfRangeException(nameof(count), $"[{start}, {start + count}) is outside [0, {Count})");
        return new LabeledImages(
            Pixels.AsSpan(start * SampleSize, count * SampleSize).ToArray(),
            Labels.AsSpan(start, count).ToArray(),
            Channels, Height, Width, Classes);
    }

    /// <summary>A copy of the images at <paramref name="indices"/>, in that order (a shard or the holdout of a <see cref="DataSplit"/>).</summary>
    public LabeledImages Gather(ReadOnlySpan<int> indices)
    {
        var pixels = new float[indices.Length * SampleSize];
        var labels = new int[indices.Length];
        for (var i = 0; i < indices.Length; i++)
        {
            Image(indices[i]).CopyTo(pixels.AsSpan(i * SampleSize, SampleSize));
            labels[i] = Labels[indices[i]];
        }
        return new LabeledImages(pixels, labels, Channels, Height, Width, Classes);
    }

    /// <summary>Builds the dataset from an IDX image file and its label file (gzip or raw).</summary>
    public static LabeledImages FromIdx(string imagesPath, string labelsPath, int classes)
    {
        IdxData images = IdxReader.ReadImages(imagesPath);
        IdxData labels = IdxReader.ReadLabels(labelsPath);
        if (images.Count != labels.Count)
        {
            throw new DataFormatException(labelsPath, $"{labels.Count} labels for the {images.Count} images of {imagesPath}");
        }
        if (images.Dimensions[1] == 0 || images.Dimensions[2] == 0)
        {
            throw new DataFormatException(imagesPath, $"images of {images.Dimensions[1]}x{images.Dimensions[2]} pixels are empty");
        }
        var pixels = new float[images.Data.Length];
        for (int i = 0; i < pixels.Length; i++)
        {
            // A true division, not a multiply by 1/255: the same bits as PyTorch's `x.float() / 255`.
            pixels[i] = images.Data[i] / 255f;
        }
        var ints = new int[labels.Count];
        for (int i = 0; i < ints.Length; i++)
        {
            ints[i] = labels.Data[i];
            if (ints[i] >= classes)
            {
                throw new DataFormatException(labelsPath, $"label {ints[i]} of sample {i} is outside [0, {classes})");
            }
        }
        return new LabeledImages(pixels, ints, 1, images.Dimensions[1], images.Dimensions[2], classes);
    }
}
