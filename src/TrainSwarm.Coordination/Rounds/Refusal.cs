namespace TrainSwarm.Coordination.Rounds;

/// <summary>What kind of "no" a refusal is; the HTTP edge maps each kind to a status code, the domain never sees one.</summary>
public enum RefusalKind
{
    /// <summary>The request itself is malformed or breaks a rule about its own fields.</summary>
    Invalid,

    /// <summary>The request's signature (or other proof of who sent it) does not check out.</summary>
    Unauthenticated,

    /// <summary>A wallet cannot pay what the request needs (a budget, a stake, a transfer).</summary>
    InsufficientFunds,

    /// <summary>The sender is known but may not do this.</summary>
    Forbidden,

    /// <summary>What the request names does not exist.</summary>
    NotFound,

    /// <summary>The request is well formed but the state does not allow it now.</summary>
    Conflict,

    /// <summary>The request carries more than the coordinator accepts.</summary>
    TooLarge,
}

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

/// <summary>A refusal thrown out of a use case, to be turned into a reply at the edge (HTTP: ProblemDetails).</summary>
public sealed class RefusedException(Refusal refusal) : Exception(refusal.Detail)
{
    /// <summary>The refusal, with its kind, title and detail.</summary>
    public Refusal Refusal { get; } = refusal;

    /// <summary>Throws when <paramref name="result"/> is a refusal, else returns its value.</summary>
    public static T Unless<T>(Result<T> result) => result.Ok ? result.Value! : throw new RefusedException(result.Refusal!);
}

/// <summary>Something a transition did, to publish as a live event; <paramref name="Data"/> is its JSON payload, if any.</summary>
public sealed record Happening(string Type, string? Node, string Message, object? Data = null);
