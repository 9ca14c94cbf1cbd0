using Microsoft.JSInterop;
using TrainSwarm.Client;

namespace TrainSwarm.Dashboard.Components.Shared;

/// <summary>Turns failures into sentences a person can act on.</summary>
public static class Problems
{
    /// <summary>The message to show for <paramref name="error"/>: the coordinator's ProblemDetails, or the browser's own words.</summary>
    public static string Describe(Exception error) => error switch
    {
        SwarmApiException api => string.IsNullOrEmpty(api.Detail) ? api.Title : $"{api.Title}: {api.Detail}",
        // A JS error arrives with its stack; the first line is the sentence.
        JSException js => js.Message.Split('\n')[0].Replace("Error: ", "", StringComparison.Ordinal),
        HttpRequestException http => $"the coordinator could not be reached ({http.Message})",
        TaskCanceledException => "the coordinator did not answer in time",
        _ => error.Message,
    };
}
