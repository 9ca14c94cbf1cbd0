using System.Globalization;

namespace TrainSwarm.Ledger;

/// <summary>
/// The ledger's one asset. Amounts are whole numbers of its smallest unit (a micro-token): 1 token = 10^6 units.
/// Money is never a float or a decimal anywhere in the ledger.
/// </summary>
public static class Asset
{
    /// <summary>Decimal places between a token and its smallest unit.</summary>
    public const int Scale = 6;

    /// <summary>Smallest units in one token.</summary>
    public const long UnitsPerToken = 1_000_000;

    /// <summary>Formats units as a token amount with exactly <see cref="Scale"/> decimals, e.g. 1500000 → "1.500000".</summary>
    public static string Format(long units)
    {
        var sign = units < 0 ? "-" : "";
        var magnitude = units < 0 ? -(Int128)units : units;
        var whole = magnitude / UnitsPerToken;
        var fraction = magnitude % UnitsPerToken;
        return string.Create(CultureInfo.InvariantCulture, $"{sign}{whole}.{fraction:D6}");
    }
}
