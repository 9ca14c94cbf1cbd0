namespace TrainSwarm.Protocol.Wire;

/// <summary>
/// Limits the coordinator enforces and clients check first, defined once so the two never disagree. Pure and static.
/// </summary>
public static class Bounds
{
    /// <summary>The shortest deadline a job may be submitted with, in seconds.</summary>
    public const int MinDeadlineSeconds = 5;

    /// <summary>The longest deadline a job may be submitted with, in seconds (30 days).</summary>
    public const int MaxDeadlineSeconds = 30 * 86_400;

    /// <summary>True when <paramref name="seconds"/> is a deadline the coordinator accepts.</summary>
    public static bool IsValidDeadline(long seconds) => seconds is >= MinDeadlineSeconds and <= MaxDeadlineSeconds;
}
