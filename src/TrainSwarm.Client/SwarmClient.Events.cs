using System.Globalization;
using System.Runtime.CompilerServices;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Client;

/// <summary>The live event stream (Server-Sent Events), resumable after a dropped connection.</summary>
public sealed partial class SwarmClient
{
    /// <summary>
    /// Events after <paramref name="afterSequence"/>, then live ones, optionally of one job, until cancelled. A dropped
    /// connection (the coordinator restarting) is reopened with Last-Event-ID after a short pause, so nothing is missed.
    /// </summary>
    public IAsyncEnumerable<SwarmEvent> EventsAsync(string? jobId = null, long afterSequence = 0, CancellationToken cancellation = default) =>
        StreamAsync(Routes.Events + (jobId is null ? "" : "?job=" + Uri.EscapeDataString(jobId)), afterSequence, cancellation);

    /// <summary>
    /// Only the events committed from now on, of every job (<c>?live=true</c>: no backlog), until cancelled: what a daemon waits on to
    /// wake up when a round opens or fills. After a dropped connection it resumes after the last event it saw, still without backlog.
    /// </summary>
    public IAsyncEnumerable<SwarmEvent> LiveEventsAsync(CancellationToken cancellation = default) =>
        StreamAsync(Routes.Events + "?live=true", 0, cancellation);

    /// <summary>One page of the stored event history after <paramref name="afterSequence"/>, optionally of one job (no stream held open).</summary>
    public Task<EventPage> EventLogAsync(long afterSequence = 0, int limit = 100, string? jobId = null, CancellationToken cancellation = default) =>
        GetAsync<EventPage>(string.Create(CultureInfo.InvariantCulture,
            $"{Routes.EventLog}?after={afterSequence}&limit={limit}{(jobId is null ? "" : "&job=" + Uri.EscapeDataString(jobId))}"), cancellation);

    /// <summary>The <paramref name="limit"/> stored events before <paramref name="before"/> (null: the newest), newest first.</summary>
    public Task<EventPage> LatestEventsAsync(long? before = null, int limit = 100, string? jobId = null, CancellationToken cancellation = default) =>
        GetAsync<EventPage>(Routes.EventLatest + NewestFirst(before, limit, jobId), cancellation);

    // The query of a newest-first page (events/latest, ledger/page).
    private static string NewestFirst(long? before, int limit, string? jobId) => string.Create(CultureInfo.InvariantCulture,
        $"?limit={limit}{(before is { } b ? $"&before={b}" : "")}{(jobId is null ? "" : "&job=" + Uri.EscapeDataString(jobId))}");

    private async IAsyncEnumerable<SwarmEvent> StreamAsync(string path, long afterSequence, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var last = afterSequence;
        while (!cancellation.IsCancellationRequested)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(BaseAddress, path));
            request.Headers.TryAddWithoutValidation("Last-Event-ID", last.ToString(CultureInfo.InvariantCulture));
            request.Headers.TryAddWithoutValidation("Accept", "text/event-stream");
            HttpResponseMessage? response = null;
            Stream? stream = null;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation);
                await EnsureSuccessAsync(response, cancellation);
                stream = await response.Content.ReadAsStreamAsync(cancellation);
            }
            catch (HttpRequestException) when (!cancellation.IsCancellationRequested)
            {
                response?.Dispose();
                await Task.Delay(500, cancellation);
                continue;
            }
            using (response)
            await using (stream)
            {
                // A dropped connection ends the reader like the end of the stream: reconnect below.
                var reader = new SseDataReader(stream);
                while (await reader.NextAsync(cancellation) is { } json)
                {
                    var e = SwarmJson.Deserialize<SwarmEvent>(json);
                    if (e.Sequence <= last)
                        continue;
                    last = e.Sequence;
                    yield return e;
                }
            }
            if (!cancellation.IsCancellationRequested)
                await Task.Delay(500, cancellation);
        }
    }
}
