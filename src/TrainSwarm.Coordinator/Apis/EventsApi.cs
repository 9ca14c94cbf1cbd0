using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TrainSwarm.Coordinator.Events;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Coordinator.Apis;

/// <summary>
/// Live events as Server-Sent Events; <c>?job=ID</c> filters, <c>Last-Event-ID</c> resumes, <c>?live=true</c> skips the stored backlog (a
/// daemon that only wants to wake up when something happens needs no history).
/// </summary>
public static class EventsApi
{
    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Events, (string? job, bool? live, HttpContext http, EventHub hub, CancellationToken ct) =>
        {
            var after = long.TryParse(http.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id
                : long.TryParse(http.Request.Query["after"], NumberStyles.None, CultureInfo.InvariantCulture, out var q) ? q : 0;
            return TypedResults.ServerSentEvents(Items(hub.StreamAsync(job is null ? null : Ids.Job(job), after, live != true, ct), ct));
        }).WithSummary("Live events (round started, node joined, update received, update scored, round done, job done)");
        return app;
    }

    private static async IAsyncEnumerable<SseItem<string>> Items(IAsyncEnumerable<SwarmEvent> events, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in events.WithCancellation(ct))
            yield return new SseItem<string>(SwarmJson.Serialize(e), e.Type) { EventId = e.Sequence.ToString(CultureInfo.InvariantCulture) };
    }
}
