namespace TrainSwarm.Coordination.Rounds;

/// <summary>A refusal thrown out of a use case, to be turned into a reply at the edge (HTTP: ProblemDetails).</summary>
public sealed class RefusedException(Refusal refusal) : Exception(refusal.Detail)
{
    /// <summary>The refusal, with its kind, title and detail.</summary>
    public Refusal Refusal { get; } = refusal;

    /// <summary>Throws when <paramref name="result"/> is a refusal, else returns its value.</summary>
    public static T Unless<T>(Result<T> result) => result.Ok ? result.Value! : throw new RefusedException(result.Refusal!);
}
