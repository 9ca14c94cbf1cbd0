namespace TrainSwarm.Coordination.Rounds;

/// <summary>Why a request cannot change the state: an HTTP status class, a short title and a sentence for the person.</summary>
public sealed record Refusal(int Status, string Title, string Detail)
{
    public static Refusal Conflict(string detail) => new(409, "Conflict", detail);
    public static Refusal Forbidden(string detail) => new(403, "Forbidden", detail);
    public static Refusal NotFound(string detail) => new(404, "Not found", detail);
    public static Refusal Invalid(string detail) => new(400, "Invalid request", detail);
}

/// <summary>Something a transition did, to publish as a live event; <paramref name="Data"/> is its JSON payload, if any.</summary>
public sealed record Happening(string Type, string? Node, string Message, object? Data = null);
