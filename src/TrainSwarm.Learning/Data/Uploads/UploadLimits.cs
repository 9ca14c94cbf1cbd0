namespace TrainSwarm.Learning.Data.Uploads;

/// <summary>The bounds every upload is held to, stated once so the README, the API and the CLI say the same.</summary>
public static class UploadLimits
{
    /// <summary>The largest upload accepted: 256 MiB (Fashion-MNIST as CSV is about 130 MB).</summary>
    public const long MaxBytes = 256L << 20;

    /// <summary>The most samples one dataset may hold.</summary>
    public const int MaxSamples = 2_000_000;

    /// <summary>The largest image side in pixels.</summary>
    public const int MaxSide = 512;

    /// <summary>The most classes a label may take.</summary>
    public const int MaxClasses = 1000;

    /// <summary>The most features a tabular row may have.</summary>
    public const int MaxFeatures = 100_000;
}
