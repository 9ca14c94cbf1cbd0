namespace TrainSwarm.Protocol.Wire;

/// <summary>
/// The formats of market ids, checked the same way by the coordinator's routes and the CLI's arguments: a job id is
/// <c>j</c> + 12 lowercase hex characters, its quote's id the same hex after a <c>q</c>, and a round id the job id +
/// <c>-r</c> + the round's index (1 to 6 digits). Pure and static, so any host can call them before a lookup.
/// </summary>
public static class JobIds
{
    /// <summary>Hex characters after the one-letter prefix of a job or quote id.</summary>
    public const int HexLength = 12;

    /// <summary>A job or quote id's whole length: the prefix and <see cref="HexLength"/> hex characters.</summary>
    public const int Length = 1 + HexLength;

    /// <summary>The most digits a round id's index may have.</summary>
    public const int MaxRoundDigits = 6;

    /// <summary>How a person is told what a job id looks like, in error messages.</summary>
    public const string JobFormat = "j + 12 lowercase hex characters";

    /// <summary>True when <paramref name="id"/> is <c>j</c> + 12 lowercase hex characters.</summary>
    public static bool IsValid(string? id) => HasPrefixAndHex(id, 'j');

    /// <summary>True when <paramref name="id"/> is <c>q</c> + 12 lowercase hex characters.</summary>
    public static bool IsValidQuote(string? id) => HasPrefixAndHex(id, 'q');

    /// <summary>True when <paramref name="id"/> is a job id + <c>-r</c> + 1 to 6 digits, as "j0123456789ab-r3".</summary>
    public static bool IsValidRound(string? id) =>
        id is { Length: > Length + 2 and <= Length + 2 + MaxRoundDigits }
        && IsValid(id[..Length]) && id.AsSpan(Length, 2).SequenceEqual("-r")
        && !id.AsSpan(Length + 2).ContainsAnyExcept("0123456789");

    private static bool HasPrefixAndHex(string? id, char prefix) =>
        id is { Length: Length } && id[0] == prefix && !id.AsSpan(1).ContainsAnyExcept("0123456789abcdef");
}
