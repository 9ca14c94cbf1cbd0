using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Coordinator.State;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Storage.Swarm;

namespace TrainSwarm.Coordinator.Auth;

/// <summary>
/// Guards every state-changing endpoint: reads the body (bounded), checks Content-Digest, the signature over method,
/// target and digest, the ±300 s window, and that the nonce is new, before the endpoint runs. Any failure is a 401
/// and changes nothing. <paramref name="selfCertifying"/> endpoints (registration) may carry the signer's key in the
/// body's <c>publicKey</c>, since an unregistered key cannot be looked up. A body is bounded by the JSON body limit unless the
/// endpoint takes <paramref name="blobSized"/> bodies (blob uploads, dataset chunks), which may be as large as the blob limit.
/// </summary>
public sealed class SignatureFilter(bool selfCertifying = false, bool blobSized = false) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var state = http.RequestServices.GetRequiredService<SwarmState>();
        var store = http.RequestServices.GetRequiredService<SwarmStore>();
        var options = http.RequestServices.GetRequiredService<CoordinatorOptions>();
        var body = await ReadBodyAsync(http.Request, blobSized ? options.MaxBlobBytes : options.Limits.MaxJsonBodyBytes, http.RequestAborted);
        // Another replica may have registered the signer a moment ago: read what replicas committed first (nothing on SQLite).
        if (store.Shared)
            await http.RequestServices.GetRequiredService<StateCommitter>().RefreshAsync(http.RequestAborted);
        var now = state.Now;
        var target = http.Request.PathBase + http.Request.Path + http.Request.QueryString;
        var check = HttpSignature.Verify(http.Request.Method, target, body,
            http.Request.Headers[HttpSignature.ContentDigestHeader], http.Request.Headers[HttpSignature.SignatureInputHeader],
            http.Request.Headers[HttpSignature.SignatureHeader],
            keyId => state.PublicKeyOf(keyId) ?? (selfCertifying ? KeyFromBody(body, keyId) : null), now);
        if (!check.Valid)
            throw Refuse.Unauthenticated(check.Error!);
        var forgetBefore = (now - 2 * HttpSignature.Window).ToUnixTimeSeconds();
        if (!await store.TryUseNonceAsync(check.KeyId, check.Nonce, check.Created.ToUnixTimeSeconds(), forgetBefore, CancellationToken.None))
            throw Refuse.Unauthenticated("the nonce was already used: a request is accepted once");
        new SignedRequest(check.KeyId, body).Attach(http);
        return await next(context);
    }

    /// <summary>The request body, refused with a 413 when it is larger than <paramref name="limit"/> bytes.</summary>
    internal static async Task<byte[]> ReadBodyAsync(HttpRequest request, long limit, CancellationToken cancellation)
    {
        if (request.ContentLength > limit)
            throw Refuse.With(RefusalKind.TooLarge, "Payload too large", $"the body has {request.ContentLength} bytes; the limit is {limit}");
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellation)) > 0)
        {
            if (buffer.Length + read > limit)
                throw Refuse.With(RefusalKind.TooLarge, "Payload too large", $"the body exceeds the limit of {limit} bytes");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static byte[]? KeyFromBody(byte[] body, string keyId)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (!doc.RootElement.TryGetProperty("publicKey", out var value) || value.ValueKind != JsonValueKind.String)
                return null;
            var der = Convert.FromBase64String(value.GetString()!);
            return Address.FromPublicKey(der) == keyId ? der : null;
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return null;
        }
    }
}
