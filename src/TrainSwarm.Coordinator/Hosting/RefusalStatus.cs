using TrainSwarm.Coordination.Rounds;

namespace TrainSwarm.Coordinator.Hosting;

/// <summary>The HTTP edge's one mapping from a domain refusal's kind to the status code clients see.</summary>
public static class RefusalStatus
{
    /// <summary>The HTTP status code of a refusal of <paramref name="kind"/>.</summary>
    public static int Of(RefusalKind kind) => kind switch
    {
        RefusalKind.Invalid => 400,
        RefusalKind.Unauthenticated => 401,
        RefusalKind.InsufficientFunds => 402,
        RefusalKind.Forbidden => 403,
        RefusalKind.NotFound => 404,
        RefusalKind.Conflict => 409,
        RefusalKind.TooLarge => 413,
        RefusalKind.Unprocessable => 422,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "a refusal kind without an HTTP status"),
    };
}
