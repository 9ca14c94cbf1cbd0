using System.Net;
using System.Text;

namespace TrainSwarm.Client.Tests;

/// <summary>
/// The far end of the client's HttpClient: records each request as it arrived on the wire (method, target, headers,
/// body) and answers with a fixed status and body, so a test can check exactly what the client sent and how it reads
/// the answer without a coordinator.
/// </summary>
internal sealed class RecordingHandler(HttpStatusCode status, string body, string mediaType = "application/json") : HttpMessageHandler
{
    public List<RecordedRequest> Requests { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var bytes = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        Requests.Add(new RecordedRequest(request.Method.Method, request.RequestUri!.PathAndQuery, headers, bytes,
            request.Content?.Headers.ContentType?.MediaType));
        return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
    }
}

internal sealed record RecordedRequest(
    string Method, string Target, IReadOnlyDictionary<string, string> Headers, byte[] Body, string? ContentType)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A clock that stands still at a given instant.</summary>
internal sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
