using System.Net;
using System.Text;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;

namespace TrainSwarm.Client.Tests;

/// <summary>What the client puts on the wire for a signed write, and how it turns a refusal into an exception.</summary>
public sealed class SwarmClientTests
{
    private static readonly Uri Coordinator = new("http://127.0.0.1:5000/");
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_signed_write_carries_headers_the_coordinator_accepts()
    {
        using var key = ActorKey.Generate();
        var handler = new RecordingHandler(HttpStatusCode.OK, "{}");
        using var client = new SwarmClient(Coordinator, key, new HttpClient(handler), new FixedClock(Now));
        var body = Encoding.UTF8.GetBytes("{\"amount\":5}");

        using var response = await client.SendSignedRawAsync(HttpMethod.Post, "/v1/transfers?x=1", body, "application/json");

        var sent = Assert.Single(handler.Requests);
        Assert.Equal(("POST", "/v1/transfers?x=1", "application/json"), (sent.Method, sent.Target, sent.ContentType));
        Assert.Equal(body, sent.Body);
        Assert.Equal(HttpSignature.ContentDigest(body), sent.Header(HttpSignature.ContentDigestHeader));
        var check = Verify(sent, key, Now);
        Assert.True(check.Valid, check.Error);
        Assert.Equal((key.Address, Now), (check.KeyId, check.Created));
    }

    [Fact]
    public async Task The_signature_binds_method_target_and_body()
    {
        using var key = ActorKey.Generate();
        var handler = new RecordingHandler(HttpStatusCode.OK, "{}");
        using var client = new SwarmClient(Coordinator, key, new HttpClient(handler), new FixedClock(Now));
        using var response = await client.SendSignedRawAsync(HttpMethod.Post, "/v1/jobs", [1, 2, 3], "application/octet-stream");
        var sent = Assert.Single(handler.Requests);

        Assert.False(Verify(sent with { Method = "PUT" }, key, Now).Valid);
        Assert.False(Verify(sent with { Target = "/v1/jobs/other" }, key, Now).Valid);
        Assert.Equal("the Content-Digest does not match the body", Verify(sent with { Body = [1, 2, 4] }, key, Now).Error);
        // Six minutes later the same headers are outside the coordinator's ±300 s window: a captured request goes stale.
        Assert.False(Verify(sent, key, Now.AddMinutes(6)).Valid);
    }

    [Fact]
    public async Task Two_signed_requests_never_share_a_nonce()
    {
        using var key = ActorKey.Generate();
        var handler = new RecordingHandler(HttpStatusCode.OK, "{}");
        using var client = new SwarmClient(Coordinator, key, new HttpClient(handler), new FixedClock(Now));
        for (var i = 0; i < 2; i++)
            (await client.SendSignedRawAsync(HttpMethod.Post, "/v1/jobs", [], "application/json")).Dispose();
        var nonces = handler.Requests.Select(r => Verify(r, key, Now).Nonce).ToList();
        Assert.Equal(2, nonces.Distinct().Count());
    }

    [Fact]
    public async Task A_write_without_a_key_is_refused_before_anything_is_sent()
    {
        var handler = new RecordingHandler(HttpStatusCode.OK, "{}");
        using var client = new SwarmClient(Coordinator, key: null, new HttpClient(handler));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => client.SendSignedRawAsync(HttpMethod.Post, "/v1/jobs", [], "application/json"));
        Assert.Equal("this request must be signed, and the client has no key", error.Message);
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task A_problem_details_refusal_becomes_an_exception_with_its_fields()
    {
        const string problem = """
            {"type":"about:blank","title":"Invalid job spec","status":400,"detail":"budget is too small",
             "errors":{"budget":["must be at least 1 token"],"rounds":["must be 1 to 1000","must be whole"]}}
            """;
        var handler = new RecordingHandler(HttpStatusCode.BadRequest, problem, "application/problem+json");
        using var client = new SwarmClient(Coordinator, http: new HttpClient(handler));

        var error = await Assert.ThrowsAsync<SwarmApiException>(() => client.GetAsync<object>("/v1/jobs/j1"));

        Assert.Equal((HttpStatusCode.BadRequest, "Invalid job spec", "budget is too small"), (error.Status, error.Title, error.Detail));
        Assert.Equal(["must be 1 to 1000", "must be whole"], error.Errors["rounds"]);
        Assert.Equal(
            "400 Invalid job spec: budget is too small (budget: must be at least 1 token; rounds: must be 1 to 1000, must be whole)",
            error.Message);
    }

    [Fact]
    public async Task A_refusal_that_is_not_json_keeps_its_first_200_characters_as_detail()
    {
        var page = "<html>" + new string('x', 300) + "</html>";
        var handler = new RecordingHandler(HttpStatusCode.BadGateway, page, "text/html");
        using var client = new SwarmClient(Coordinator, http: new HttpClient(handler));

        var error = await Assert.ThrowsAsync<SwarmApiException>(() => client.GetBytesAsync("/v1/blobs/b1"));

        Assert.Equal((HttpStatusCode.BadGateway, "Bad Gateway"), (error.Status, error.Title));
        Assert.Equal(page[..200], error.Detail);
    }

    private static SignatureCheck Verify(RecordedRequest sent, ActorKey key, DateTimeOffset now) =>
        HttpSignature.Verify(sent.Method, sent.Target, sent.Body,
            sent.Header(HttpSignature.ContentDigestHeader), sent.Header(HttpSignature.SignatureInputHeader),
            sent.Header(HttpSignature.SignatureHeader), id => id == key.Address ? key.PublicKey : null, now);
}
