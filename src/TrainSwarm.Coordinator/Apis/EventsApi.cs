using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using TrainSwarm.Coordinator.Events;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Wire;
using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Coordinator.Apis;

/// <summary>
/// Live events as Server-Sent Events; <c>?job=ID</c> filters, <c>Last-Event-ID</c> resumes, <c>?live=true</c> skips the stored backlog (a
/// daemon that only wants to wake up when something happens needs no history).
/// </summary>
public static class EventsApi
{
    // A page larger than this is a client asking for the whole history at once.
    private const int MaxPage = 1000;

    public static IEndpointRouteBuilder MapEventsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Routes.Events, (string? job, bool? live, HttpContext http, EventHub hub, CancellationToken ct) =>
        {
            var after = long.TryParse(http.Request.Headers["Last-Event-ID"], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id
                : long.TryParse(http.Request.Query["after"], NumberStyles.None, CultureInfo.InvariantCulture, out var q) ? q : 0;
            return TypedResults.ServerSentEvents(Items(hub.StreamAsync(job is null ? null : Ids.Job(job), after, live != true, ct), ct));
        }).WithSummary("Live events (round started, node joined, update received, update scored, round done, job done)");
        app.MapGet(Routes.EventLog, async (long? after, int? limit, string? job, SwarmStore store, CancellationToken ct) =>
        {
            if (after is < 0 || limit is < 1 or > MaxPage)
                throw Refuse.Invalid($"after must be ≥ 0 and limit between 1 and {MaxPage}");
            var size = limit ?? 100;
            var stored = await store.EventsAsync(after ?? 0, job is null ? null : Ids.Job(job), size, ct);
            var events = stored.Select(SwarmJson.Deserialize<SwarmEvent>).ToList();
            return TypedResults.Ok(new EventPage(events, events.Count == size ? events[^1].Sequence : null));
        }).WithSummary("The stored event history in pages, oldest first: ?after= (a cursor: the previous page's next), ?limit= (1 to 1000), ?job=");
        app.MapGet(Routes.EventLatest, async (long? before, int? limit, string? job, SwarmStore store, CancellationToken ct) =>
        {
            if (before is < 1 || limit is < 1 or > MaxPage)
                throw Refuse.Invalid($"before must be ≥ 1 and limit between 1 and {MaxPage}");
            var size = limit ?? 100;
            var stored = await store.LatestEventsAsync(before ?? long.MaxValue, job is null ? null : Ids.Job(job), size, ct);
            var events = stored.Select(SwarmJson.Deserialize<SwarmEvent>).ToList();
            return TypedResults.Ok(new EventPage(events, events.Count == size ? events[^1].Sequence : null));
        }).WithSummary("The stored event history in pages, newest first: ?before= (a cursor: the previous page's next), ?limit= (1 to 1000), ?job=");
        return app;
    }

    private static async IAsyncEnumerable<SseItem<string>> Items(IAsyncEnumerable<SwarmEvent> events, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var e in events.WithCancellation(ct))
            yield return new SseItem<string>(SwarmJson.Serialize(e), e.Type) { EventId = e.Sequence.ToString(CultureInfo.InvariantCulture) };
    }
}
