namespace TrainSwarm.Coordination.Rounds;

/// <summary>Why a request cannot change the state: its kind, a short title and a sentence for the person.</summary>
/// <param name="Errors">Per-field messages, for a refusal of several bad fields at once (a job spec), else null.</param>
public sealed record Refusal(RefusalKind Kind, string Title, string Detail, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    /// <summary>The state does not allow this now.</summary>
    public static Refusal Conflict(string detail) => new(RefusalKind.Conflict, "Conflict", detail);

    /// <summary>The sender may not do this.</summary>
    public static Refusal Forbidden(string detail) => new(RefusalKind.Forbidden, "Forbidden", detail);

    /// <summary>What the request names does not exist.</summary>
    public static Refusal NotFound(string detail) => new(RefusalKind.NotFound, "Not found", detail);

    /// <summary>The request is malformed.</summary>
    public static Refusal Invalid(string detail) => new(RefusalKind.Invalid, "Invalid request", detail);

    /// <summary>The sender could not be authenticated.</summary>
    public static Refusal Unauthenticated(string detail) => new(RefusalKind.Unauthenticated, "Unauthorized", detail);
}

/// <summary>Something a transition did, to publish as a live event; <paramref name="Data"/> is its JSON payload, if any.</summary>
public sealed record Happening(string Type, string? Node, string Message, object? Data = null);
