using System.Net;

namespace TrainSwarm.Client;

/// <summary>The coordinator refused a request: its HTTP status and the ProblemDetails title and detail it gave.</summary>
public sealed class SwarmApiException(HttpStatusCode status, string title, string? detail, IReadOnlyDictionary<string, string[]>? errors = null)
    : Exception(Describe(status, title, detail, errors))
{
    /// <summary>The HTTP status.</summary>
    public HttpStatusCode Status { get; } = status;

    /// <summary>ProblemDetails title.</summary>
    public string Title { get; } = title;

    /// <summary>ProblemDetails detail, if any.</summary>
    public string? Detail { get; } = detail;

    /// <summary>Validation problems by field, if any.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors ?? new Dictionary<string, string[]>();

    private static string Describe(HttpStatusCode status, string title, string? detail, IReadOnlyDictionary<string, string[]>? errors)
    {
        var text = $"{(int)status} {title}";
        if (!string.IsNullOrEmpty(detail))
            text += $": {detail}";
        if (errors is { Count: > 0 })
            text += " (" + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")) + ")";
        return text;
    }
}
