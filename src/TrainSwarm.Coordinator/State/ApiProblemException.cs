using TrainSwarm.Coordination.Rounds;

namespace TrainSwarm.Coordinator.State;

/// <summary>A refusal on its way to the client as ProblemDetails (see ProblemHandler).</summary>
public sealed class ApiProblemException(int status, string title, string detail, IDictionary<string, string[]>? errors = null) : Exception(detail)
{
    public int Status { get; } = status;
    public string Title { get; } = title;
    public IDictionary<string, string[]>? Errors { get; } = errors;

    /// <summary>From a state-machine refusal.</summary>
    public static ApiProblemException From(Refusal refusal) => new(refusal.Status, refusal.Title, refusal.Detail);

    public static ApiProblemException BadRequest(string detail) => new(400, "Invalid request", detail);
    public static ApiProblemException NotFound(string detail) => new(404, "Not found", detail);
    public static ApiProblemException Forbidden(string detail) => new(403, "Forbidden", detail);
    public static ApiProblemException Unauthorized(string detail) => new(401, "Unauthorized", detail);
}
