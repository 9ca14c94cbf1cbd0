using TrainSwarm.Coordination.Rounds;

namespace TrainSwarm.Coordinator.State;

/// <summary>Short ways to throw a domain refusal from a use case (the HTTP edge turns it into ProblemDetails).</summary>
internal static class Refuse
{
    public static RefusedException Invalid(string detail) => new(Refusal.Invalid(detail));
    public static RefusedException NotFound(string detail) => new(Refusal.NotFound(detail));
    public static RefusedException Forbidden(string detail) => new(Refusal.Forbidden(detail));
    public static RefusedException Conflict(string detail) => new(Refusal.Conflict(detail));
    public static RefusedException Unauthenticated(string detail) => new(Refusal.Unauthenticated(detail));

    /// <summary>A refusal with its own title ("Quote expired", "Insufficient funds", …).</summary>
    public static RefusedException With(RefusalKind kind, string title, string detail, IReadOnlyDictionary<string, string[]>? errors = null) =>
        new(new Refusal(kind, title, detail, errors));

    /// <summary>The value of <paramref name="result"/>, or its refusal thrown.</summary>
    public static T Unless<T>(Result<T> result) => RefusedException.Unless(result);
}
