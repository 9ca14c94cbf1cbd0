using System.Net.Http.Headers;
using System.Text.Json;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Client;

/// <summary>
/// Typed access to a coordinator. Reads are plain GETs; every state-changing request is signed with
/// <see cref="Key"/> (RFC 9421-style headers, see <see cref="HttpSignature"/>). Errors surface as <see cref="SwarmApiException"/>.
/// </summary>
public sealed partial class SwarmClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly TimeProvider _clock;

    /// <summary>A client of the coordinator at <paramref name="baseAddress"/>; <paramref name="key"/> is needed only for writes.</summary>
    public SwarmClient(Uri baseAddress, ActorKey? key = null, HttpClient? http = null, TimeProvider? clock = null)
    {
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        BaseAddress = baseAddress;
        Key = key;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>The coordinator's root address.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The key requests are signed with, if any.</summary>
    public ActorKey? Key { get; }

    /// <summary>The signer's address.</summary>
    public string Address => RequireKey().Address;

    private ActorKey RequireKey() => Key ?? throw new InvalidOperationException("this request must be signed, and the client has no key");

    /// <summary>GETs JSON.</summary>
    public async Task<T> GetAsync<T>(string path, CancellationToken cancellation = default)
    {
        using var response = await _http.GetAsync(new Uri(BaseAddress, path), cancellation);
        return await ReadAsync<T>(response, cancellation);
    }

    /// <summary>GETs raw bytes.</summary>
    public async Task<byte[]> GetBytesAsync(string path, CancellationToken cancellation = default)
    {
        using var response = await _http.GetAsync(new Uri(BaseAddress, path), cancellation);
        await EnsureSuccessAsync(response, cancellation);
        return await response.Content.ReadAsByteArrayAsync(cancellation);
    }

    /// <summary>Sends a signed request with a JSON body and reads a JSON reply.</summary>
    public async Task<T> SendSignedAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellation = default)
    {
        var bytes = body is null ? [] : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), SwarmJson.Options);
        using var response = await SendSignedRawAsync(method, path, bytes, "application/json", cancellation);
        return await ReadAsync<T>(response, cancellation);
    }

    /// <summary>Sends a signed request with raw body bytes; the caller reads (and disposes) the response.</summary>
    public async Task<HttpResponseMessage> SendSignedRawAsync(
        HttpMethod method, string path, byte[] body, string contentType, CancellationToken cancellation = default)
    {
        var uri = new Uri(BaseAddress, path);
        var headers = HttpSignature.Sign(RequireKey(), method.Method, uri.PathAndQuery, body, _clock.GetUtcNow());
        using var request = new HttpRequestMessage(method, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.TryAddWithoutValidation(HttpSignature.ContentDigestHeader, headers.ContentDigest);
        request.Headers.TryAddWithoutValidation(HttpSignature.SignatureInputHeader, headers.SignatureInput);
        request.Headers.TryAddWithoutValidation(HttpSignature.SignatureHeader, headers.Signature);
        return await _http.SendAsync(request, cancellation);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellation)
    {
        await EnsureSuccessAsync(response, cancellation);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellation);
        return SwarmJson.Deserialize<T>(bytes);
    }

    /// <summary>Turns a non-2xx reply into a <see cref="SwarmApiException"/> carrying its ProblemDetails.</summary>
    public static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellation)
    {
        if (response.IsSuccessStatusCode)
            return;
        var text = await response.Content.ReadAsStringAsync(cancellation);
        string title = response.ReasonPhrase ?? response.StatusCode.ToString();
        string? detail = null;
        Dictionary<string, string[]>? errors = null;
        try
        {
            using var doc = JsonDocument.Parse(text);
            if (doc.RootElement.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String)
                title = t.GetString()!;
            if (doc.RootElement.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String)
                detail = d.GetString();
            if (doc.RootElement.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                errors = e.Deserialize<Dictionary<string, string[]>>(SwarmJson.Options);
        }
        catch (JsonException)
        {
            detail = text.Length > 200 ? text[..200] : text;
        }
        throw new SwarmApiException(response.StatusCode, title, detail, errors);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsHttp)
            _http.Dispose();
    }
}
