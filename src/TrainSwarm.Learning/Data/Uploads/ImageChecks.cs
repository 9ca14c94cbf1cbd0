namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>The size rules every image format shares.</summary>
internal static class ImageChecks
{
    /// <summary>Refuses an empty image or one larger than <see cref="UploadLimits.MaxSide"/> on a side.</summary>
    public static void Size(int height, int width, string source)
    {
        if (height < 1 || width < 1)
            throw new UploadRejectedException(source, $"images of {height}x{width} pixels are empty");
        if (height > UploadLimits.MaxSide || width > UploadLimits.MaxSide)
            throw new UploadRejectedException(source, $"images of {height}x{width} pixels exceed the limit of {UploadLimits.MaxSide} a side");
    }

    /// <summary>Refuses more samples than <see cref="UploadLimits.MaxSamples"/>.</summary>
    public static void Count(int count, string source)
    {
        if (count > UploadLimits.MaxSamples)
            throw new UploadRejectedException(source, $"{count} samples exceed the limit of {UploadLimits.MaxSamples}");
    }
}
