using System.Net.Http.Headers;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Dashboard.Services;

/// <summary>
/// State-changing API calls made on behalf of the browser's key: the server builds the exact bytes (the request's
/// signature base, a transfer's signing bytes), the browser signs them, the server sends the signed request. The
/// signatures the coordinator checks and the ledger stores are the creator's own.
/// </summary>
public sealed class BrowserSignedApi(CoordinatorLink link, BrowserKey key, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Registers the browser key as a creator (idempotent; needed before the faucet or a submission).</summary>
    public Task<ActorView> RegisterAsync(BrowserKeyInfo signer, CancellationToken cancellation = default) =>
        SendAsync<ActorView>(signer, HttpMethod.Post, Routes.Actors, new ActorRegistration(signer.PublicKey, "creator"), cancellation);

    /// <summary>Mints <paramref name="amount"/> micro-tokens into the browser key's wallet (devnet only).</summary>
    public Task<TransferOutcome> FaucetAsync(BrowserKeyInfo signer, long amount, CancellationToken cancellation = default) =>
        SendAsync<TransferOutcome>(signer, HttpMethod.Post, Routes.Faucet, new FaucetRequest(amount), cancellation);

    /// <summary>Submits <paramref name="spec"/> under <paramref name="quote"/>, the escrow of <paramref name="budget"/> signed by the browser.</summary>
    public async Task<JobView> SubmitJobAsync(
        BrowserKeyInfo signer, JobSpec spec, Quote quote, long budget, int deadlineSeconds, bool partialBudget,
        CancellationToken cancellation = default)
    {
        var coordinator = (await link.Client.InfoAsync(cancellation)).Address;
        var escrow = MarketTerms.Escrow(signer.Address, coordinator, quote.JobId, budget, deadlineSeconds);
        var signed = await SignTransferAsync(signer, escrow);
        var submission = new JobSubmission(spec, quote.Id, budget, deadlineSeconds, signed, partialBudget);
        return await SendAsync<JobView>(signer, HttpMethod.Post, Routes.Jobs, submission, cancellation);
    }

    /// <summary>Cancels a job the browser key created.</summary>
    public Task<JobView> CancelJobAsync(BrowserKeyInfo signer, string jobId, CancellationToken cancellation = default) =>
        SendAsync<JobView>(signer, HttpMethod.Post, Routes.JobCancel(jobId), new { }, cancellation);

    /// <summary>
    /// The signed headers for a PUT the browser sends itself (a dataset chunk to <paramref name="path"/>), so it can show the
    /// upload's progress: the browser hashed the bytes, and here the request's signature base is built around their
    /// Content-Digest and signed by the browser key.
    /// </summary>
    public async Task<SignedHeaders> PreparePutAsync(BrowserKeyInfo signer, string path, string contentDigest)
    {
        var uri = new Uri(link.BaseAddress, path);
        var prepared = HttpSignature.Prepare(signer.Address, "PUT", uri.PathAndQuery, contentDigest, _clock.GetUtcNow());
        return prepared.Complete(await key.SignAsync(prepared.SignatureBaseBytes));
    }

    /// <summary>A transfer signed by the browser key, in the wire form the ledger checks.</summary>
    public async Task<SignedTransferWire> SignTransferAsync(BrowserKeyInfo signer, TransferRequest request)
    {
        var signature = await key.SignAsync(request.SigningBytes());
        return new SignedTransferWire(TransferWire.From(request), signer.Address, signer.PublicKey, Convert.ToBase64String(signature));
    }

    /// <summary>Sends <paramref name="body"/> as JSON, signed (RFC 9421-style headers) by the browser key.</summary>
    public async Task<T> SendAsync<T>(BrowserKeyInfo signer, HttpMethod method, string path, object body, CancellationToken cancellation = default)
    {
        // The key the browser signs with must be the one the address names, or the coordinator would reject us later anyway.
        if (Address.FromPublicKey(Convert.FromBase64String(signer.PublicKey)) != signer.Address)
            throw new InvalidOperationException("the browser key's address does not match its public key");
        var bytes = SwarmJson.SerializeToUtf8(body as object);
        var uri = new Uri(link.BaseAddress, path);
        var prepared = HttpSignature.Prepare(signer.Address, method.Method, uri.PathAndQuery, bytes, _clock.GetUtcNow());
        var headers = prepared.Complete(await key.SignAsync(prepared.SignatureBaseBytes));
        using var request = new HttpRequestMessage(method, uri) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(HttpSignature.ContentDigestHeader, headers.ContentDigest);
        request.Headers.TryAddWithoutValidation(HttpSignature.SignatureInputHeader, headers.SignatureInput);
        request.Headers.TryAddWithoutValidation(HttpSignature.SignatureHeader, headers.Signature);
        using var response = await link.Http.SendAsync(request, cancellation);
        await SwarmClient.EnsureSuccessAsync(response, cancellation);
        return SwarmJson.Deserialize<T>(await response.Content.ReadAsByteArrayAsync(cancellation));
    }
}
