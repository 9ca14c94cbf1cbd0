using System.Net.Http.Headers;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Validator.Liar;

/// <summary>
/// Rewrites every posted round result: the new model becomes the round's base model (a wrong aggregate whose blob is
/// stored, so only the quorum can catch it), then the document and the request are signed again with the same key.
/// Every other request passes through untouched.
/// </summary>
internal sealed class LyingHandler(ActorKey key) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri?.AbsolutePath ?? "";
        if (request.Method == HttpMethod.Post && path.StartsWith(Routes.Rounds + "/", StringComparison.Ordinal)
            && path.EndsWith("/result", StringComparison.Ordinal) && request.Content is not null)
        {
            var honest = SwarmJson.Deserialize<RoundResultSubmission>(await request.Content.ReadAsByteArrayAsync(cancellationToken));
            var lie = honest.Result with { NewModel = honest.Result.BaseModel, StrategyStateBlob = null };
            var body = SwarmJson.SerializeToUtf8(new RoundResultSubmission(lie, DocumentSignature.Sign(key, lie)));
            Console.WriteLine($"lying about {lie.RoundId} attempt {lie.Attempt}: new model {honest.Result.NewModel} posted as {lie.NewModel}");
            var headers = HttpSignature.Sign(key, request.Method.Method, request.RequestUri!.PathAndQuery, body, DateTimeOffset.UtcNow);
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            foreach (var name in new[] { HttpSignature.ContentDigestHeader, HttpSignature.SignatureInputHeader, HttpSignature.SignatureHeader })
                request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(HttpSignature.ContentDigestHeader, headers.ContentDigest);
            request.Headers.TryAddWithoutValidation(HttpSignature.SignatureInputHeader, headers.SignatureInput);
            request.Headers.TryAddWithoutValidation(HttpSignature.SignatureHeader, headers.Signature);
        }
        return await base.SendAsync(request, cancellationToken);
    }
}
