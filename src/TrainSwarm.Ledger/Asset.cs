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

    /// <summary>
    /// Parses a non-negative token amount written with at most <see cref="Scale"/> decimals ("1", "0.5", "12.000001")
    /// exactly into units: digits, then optionally '.' and 1 to 6 digits. No sign, exponent, group separator or space.
    /// False for anything else, or for an amount that does not fit in a long.
    /// </summary>
    public static bool TryParse(string? text, out long units)
    {
        units = 0;
        if (string.IsNullOrEmpty(text))
            return false;
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var whole = dot < 0 ? text : text[..dot];
        var fraction = dot < 0 ? "" : text[(dot + 1)..];
        if (whole.Length == 0 || !whole.All(char.IsAsciiDigit) || !fraction.All(char.IsAsciiDigit))
            return false;
        if (dot >= 0 && fraction.Length is 0 or > Scale)
            return false;
        Int128 value = 0;
        foreach (var c in whole)
        {
            value = value * 10 + (c - '0');
            if (value > long.MaxValue)
                return false;
        }
        value *= UnitsPerToken;
        var fractionUnits = 0L;
        for (var i = 0; i < Scale; i++)
            fractionUnits = fractionUnits * 10 + (i < fraction.Length ? fraction[i] - '0' : 0);
        value += fractionUnits;
        if (value > long.MaxValue)
            return false;
        units = (long)value;
        return true;
    }
}
