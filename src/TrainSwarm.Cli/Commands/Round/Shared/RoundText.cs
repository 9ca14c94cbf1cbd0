using System.Globalization;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Cli.Commands.Round;

/// <summary>How the round verbs write times and phases, so list, status, join and train read alike.</summary>
public static class RoundText
{
    /// <summary>A time as the round commands print it: UTC, to the second.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A status as users type it (open, training, validating, done).</summary>
    internal static string Name(RoundStatus status) => status.ToString().ToLowerInvariant();
}
