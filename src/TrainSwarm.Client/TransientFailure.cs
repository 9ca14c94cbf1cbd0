using System.Net;

namespace TrainSwarm.Client;

/// <summary>
/// Which failures of a coordinator call pass by themselves (unreachable, restarting, overloaded) and are worth
/// retrying: network errors, timeouts that are not the caller's own cancellation, 5xx, 408 and 429. A 4xx refusal is
/// the coordinator's considered answer and never is. Shared by every daemon so they agree on what an outage is.
/// </summary>
public static class TransientFailure
{
    /// <summary>True when <paramref name="error"/> is worth retrying.</summary>
    public static bool Is(Exception error, CancellationToken cancellation) => error switch
    {
        HttpRequestException => true,
        SwarmApiException api => (int)api.Status >= 500 || api.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout,
        // HttpClient reports its own timeout as a cancellation; only ours means "stop".
        OperationCanceledException or TimeoutException => !cancellation.IsCancellationRequested,
        IOException => true,
        _ => false,
    };
}
