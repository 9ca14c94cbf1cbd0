using System.Globalization;
using TrainSwarm.Ledger;

namespace TrainSwarm.Dashboard.Formatting;

/// <summary>How the dashboard writes numbers for people: tokens with all their decimals, durations, bytes, rates.</summary>
public static class Units
{
    /// <summary>Micro-tokens as tokens with exactly 6 decimals and the unit: 1500000 → "1.500000 tokens".</summary>
    public static string Tokens(long microTokens) => Asset.Format(microTokens) + " " + TokenSymbol;

    /// <summary>The token's symbol as shown next to amounts.</summary>
    public const string TokenSymbol = "tokens";

    /// <summary>A duration in its two largest units: "45 s", "3 min 05 s", "2 h 10 min", "3 d 4 h"; "0 s" for negatives.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
            span = TimeSpan.Zero;
        var s = (long)Math.Floor(span.TotalSeconds);
        return s switch
        {
            < 60 => Invariant($"{s} s"),
            < 3600 => Invariant($"{s / 60} min {s % 60:D2} s"),
            < 86_400 => Invariant($"{s / 3600} h {s % 3600 / 60:D2} min"),
            _ => Invariant($"{s / 86_400} d {s % 86_400 / 3600} h"),
        };
    }

    /// <summary>A duration given in seconds (see <see cref="Duration(TimeSpan)"/>).</summary>
    public static string Seconds(double seconds) => Duration(TimeSpan.FromSeconds(seconds));

    /// <summary>Bytes in binary units with one decimal above KiB: 512 → "512 B", 1536 → "1.5 KiB", 3·2^30 → "3.0 GiB".</summary>
    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        if (bytes < 1024)
            return Invariant($"{bytes} B");
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return Invariant($"{value:0.0} {units[unit]}");
    }

    /// <summary>A fraction as a percentage with one decimal: 0.8734 → "87.3 %".</summary>
    public static string Percent(double fraction) => Invariant($"{fraction * 100:0.0} %");

    /// <summary>Basis points as a percentage: 10000 → "100.00 %".</summary>
    public static string Bps(int basisPoints) => Invariant($"{basisPoints / 100.0:0.00} %");

    /// <summary>A whole number with thousands separators: 1234567 → "1,234,567".</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A loss with four decimals.</summary>
    public static string Loss(double value) => double.IsFinite(value) ? value.ToString("0.0000", CultureInfo.InvariantCulture) : "—";

    /// <summary>A UTC time of day for timelines and logs.</summary>
    public static string Time(DateTimeOffset? time) => time is { } t ? t.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " UTC" : "—";

    /// <summary>An address or id shortened for tables: "ts1abcd…7890"; the full text goes into a title attribute.</summary>
    public static string Short(string? id) => id is null ? "—" : id.Length <= 14 ? id : id[..8] + "…" + id[^4..];

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
