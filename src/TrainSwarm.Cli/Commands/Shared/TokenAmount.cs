using System.CommandLine;
using System.Globalization;
using TrainSwarm.Ledger;

namespace TrainSwarm.Cli.Commands;

/// <summary>
/// Token amounts as people type them ("12.5", "100", "0.000001"), parsed exactly into micro-tokens: no floating point,
/// at most <see cref="Asset.Scale"/> decimals, never negative.
/// </summary>
internal static class TokenAmount
{
    /// <summary>Parses <paramref name="text"/> into micro-tokens; on failure <paramref name="error"/> says why, naming <paramref name="name"/>.</summary>
    public static bool TryParse(string? text, string name, out long units, out string error)
    {
        text ??= "";
        error = Asset.TryParse(text, out units) ? (units > 0 ? "" : $"{name} must be more than 0 tokens")
            : text.StartsWith('-') && Asset.TryParse(text[1..], out _) ? $"{name} must not be negative ('{text}')"
            : text.Split('.') is [var whole, var fraction] && whole.Length > 0 && whole.All(char.IsAsciiDigit) && fraction.Length > Asset.Scale
                && fraction.All(char.IsAsciiDigit)
                ? $"{name} has more than {Asset.Scale} decimals ('{text}'); the smallest amount is {Asset.Format(1)} tokens"
            : text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c == '.') && text.Count(c => c == '.') <= 1 && char.IsAsciiDigit(text[0])
                && char.IsAsciiDigit(text[^1])
                ? $"{name} is too large ('{text}')"
            : $"{name} must be a number of tokens such as 12.5, not '{text}'";
        return error.Length == 0;
    }

    /// <summary>Parses an amount already checked by the option's validator.</summary>
    public static long Parse(string text, string name) =>
        TryParse(text, name, out var units, out var error) ? units : throw new CliException(error, SwarmApp.BadUsage);

    /// <summary>An option taking a token amount (checked when the command line is parsed: a bad amount is bad usage).</summary>
    public static Option<string> Option(string name, string description, string? defaultValue = null)
    {
        var option = new Option<string>(name) { Description = description };
        if (defaultValue is not null)
            option.DefaultValueFactory = _ => defaultValue;
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && !TryParse(r.Tokens[0].Value, name, out _, out var error))
                r.AddError(error);
        });
        return option;
    }
}

/// <summary>Durations as people type them: 90s, 30m, 2h, 1d (a bare number is seconds).</summary>
internal static class DurationText
{
    /// <summary>Parses <paramref name="text"/> into whole seconds between <paramref name="min"/> and <paramref name="max"/>.</summary>
    public static bool TryParse(string? text, string name, int min, int max, out int seconds, out string error)
    {
        seconds = 0;
        error = "";
        text ??= "";
        var unit = text.Length > 0 && char.IsAsciiLetter(text[^1]) ? char.ToLowerInvariant(text[^1]) : 's';
        var number = text.Length > 0 && char.IsAsciiLetter(text[^1]) ? text[..^1] : text;
        long multiplier = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, 'd' => 86_400, _ => 0 };
        if (multiplier == 0 || number.Length is 0 or > 9 || !number.All(char.IsAsciiDigit))
        {
            error = $"{name} must be a duration such as 90s, 30m, 2h or 1d, not '{text}'";
            return false;
        }
        var total = long.Parse(number, NumberStyles.None, CultureInfo.InvariantCulture) * multiplier;
        if (total < min || total > max)
        {
            error = $"{name} must be between {Describe(min)} and {Describe(max)}, not '{text}'";
            return false;
        }
        seconds = (int)total;
        return true;
    }

    /// <summary>"5s", "30d", "2h", "90m": the shortest exact spelling.</summary>
    public static string Describe(long seconds) => seconds switch
    {
        _ when seconds % 86_400 == 0 && seconds > 0 => $"{seconds / 86_400}d",
        _ when seconds % 3600 == 0 && seconds > 0 => $"{seconds / 3600}h",
        _ when seconds % 60 == 0 && seconds > 0 => $"{seconds / 60}m",
        _ => $"{seconds}s",
    };

    /// <summary>An option taking a duration, checked when the command line is parsed.</summary>
    public static Option<string> Option(string name, string description, string defaultValue, int min, int max)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(r =>
        {
            if (!TryParse(r.GetValueOrDefault<string>(), name, min, max, out _, out var error))
                r.AddError(error);
        });
        return option;
    }

    /// <summary>Parses a duration already checked by the option's validator.</summary>
    public static int Parse(string text, string name, int min, int max) =>
        TryParse(text, name, min, max, out var seconds, out var error) ? seconds : throw new CliException(error, SwarmApp.BadUsage);
}
