using System.Net;
using System.Text;
using TrainSwarm.Protocol.Blobs;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Signing;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>Every state-changing request must carry a fresh, valid signature; a refused one changes nothing.</summary>
public sealed class SignatureAuthTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>
{
    /// <summary>A valid submission body of <paramref name="creator"/> (quoted, escrow signed): only the request's signature decides.</summary>
    private Task<byte[]> JobBodyAsync(ActorKey creator) => swarm.SubmissionBodyAsync(creator);

    /// <summary>A refused request reserved nothing: the creator's wallet is as the faucet left it.</summary>
    private async Task AssertNothingReservedAsync(ActorKey creator)
    {
        var balances = await swarm.BalancesAsync(creator.Address);
        Assert.Equal((CoordinatorFixture.StartingFunds, 0L), (balances.Wallet, balances.Reserved));
    }

    [Fact]
    public async Task A_correctly_signed_request_is_accepted()
    {
        using var creator = await swarm.ActorAsync("creator");
        var body = await JobBodyAsync(creator);
        var before = await swarm.JobCountAsync();
        using var response = await swarm.SendAsync(swarm.SignedRequest(creator, HttpMethod.Post, Routes.Jobs, body));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(before + 1, await swarm.JobCountAsync());
        var job = SwarmJson.Deserialize<JobView>(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(job.Billing!.Budget, (await swarm.BalancesAsync(creator.Address)).Reserved);
    }

    [Fact]
    public async Task A_signature_from_another_key_is_refused()
    {
        using var creator = await swarm.ActorAsync("creator");
        using var other = await swarm.ActorAsync("creator");
        var body = await JobBodyAsync(creator);
        var before = await swarm.JobCountAsync();
        var uri = new Uri(swarm.BaseAddress, Routes.Jobs);
        var mine = HttpSignature.Sign(creator, "POST", uri.PathAndQuery, body, DateTimeOffset.UtcNow);
        var theirs = HttpSignature.Sign(other, "POST", uri.PathAndQuery, body, DateTimeOffset.UtcNow);
        using var response = await swarm.SendAsync(swarm.SignedRequest(creator, HttpMethod.Post, Routes.Jobs, body, mine
            with { Signature = theirs.Signature }));
        var problem = await AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("the signature does not verify", Detail(problem));
        Assert.Equal(before, await swarm.JobCountAsync());
        await AssertNothingReservedAsync(creator);
    }

    [Fact]
    public async Task A_signature_with_a_flipped_bit_is_refused()
    {
        using var creator = await swarm.ActorAsync("creator");
        var body = await JobBodyAsync(creator);
        var before = await swarm.JobCountAsync();
        var uri = new Uri(swarm.BaseAddress, Routes.Jobs);
        var headers = HttpSignature.Sign(creator, "POST", uri.PathAndQuery, body, DateTimeOffset.UtcNow);
        var signature = Convert.FromBase64String(headers.Signature["sig1=:".Length..^1]);
        signature[^1] ^= 0x01;
        var forged = headers with { Signature = $"sig1=:{Convert.ToBase64String(signature)}:" };
        using var response = await swarm.SendAsync(swarm.SignedRequest(creator, HttpMethod.Post, Routes.Jobs, body, forged));
        var problem = await AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("the signature does not verify", Detail(problem));
        Assert.Equal(before, await swarm.JobCountAsync());
        await AssertNothingReservedAsync(creator);
    }

    [Fact]
    public async Task A_replayed_request_is_refused_by_its_nonce()
    {
        using var creator = await swarm.ActorAsync("creator");
        var body = await JobBodyAsync(creator);
        var before = await swarm.JobCountAsync();
        var uri = new Uri(swarm.BaseAddress, Routes.Jobs);
        var headers = HttpSignature.Sign(creator, "POST", uri.PathAndQuery, body, DateTimeOffset.UtcNow);
        using (var first = await swarm.SendAsync(swarm.SignedRequest(creator, HttpMethod.Post, Routes.Jobs, body, headers)))
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(before + 1, await swarm.JobCountAsync());
        var reserved = await swarm.BalancesAsync(creator.Address);
        using var second = await swarm.SendAsync(swarm.SignedRequest(creator, HttpMethod.Post, Routes.Jobs, body, headers));
        var problem = await AssertAsync(second, HttpStatusCode.Unauthorized);
        Assert.Contains("nonce", Detail(problem), StringComparison.Ordinal);
        Assert.Equal(before + 1, await swarm.JobCountAsync());
        var after = await swarm.BalancesAsync(creator.Address);
        Assert.Equal((reserved.Wallet, reserved.Reserved), (after.Wallet, after.Reserved));
    }

    [Theory]
    [InlineData(-10)]
    [InlineData(10)]
    public async Task A_request_signed_ten_minutes_off_is_refused(int minutes)
    {
        using var creator = await swarm.ActorAsync("creator");
        var body = await JobBodyAsync(creator);
        var before = await swarm.JobCountAsync();
        using var skewed = swarm.Client(creator, new SkewedClock(TimeSpan.FromMinutes(minutes)));
        using var response = await skewed.SendSignedRawAsync(HttpMethod.Post, Routes.Jobs, body, "application/json");
        var problem = await AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Contains("outside ±300 s of the coordinator's clock", Detail(problem), StringComparison.Ordinal);
        Assert.Equal(before, await swarm.JobCountAsync());
        await AssertNothingReservedAsync(creator);
    }

    [Fact]
    public async Task A_request_signed_a_little_off_is_accepted()
    {
        using var creator = await swarm.ActorAsync("creator");
        var body = await JobBodyAsync(creator);
        using var skewed = swarm.Client(creator, new SkewedClock(TimeSpan.FromMinutes(-4)));
        using var response = await skewed.SendSignedRawAsync(HttpMethod.Post, Routes.Jobs, body, "application/json");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>The signed submission with its spec changed (the escrow, signed separately, still matches the quote).</summary>
    private static byte[] Altered(byte[] body)
    {
        var submission = SwarmJson.Deserialize<JobSubmission>(body);
        return SwarmJson.SerializeToUtf8(submission with { Spec = submission.Spec with { Rounds = 9 } });
    }

    [Fact]
    public async Task A_body_altered_after_signing_is_refused()
    {
        using var creator = await swarm.ActorAsync("creator");
        var body = await JobBodyAsync(creator);
        var before = await swarm.JobCountAsync();
        using var response = await swarm.SendAsync(swarm.SignedRequest(creator, HttpMethod.Post, Routes.Jobs, body, sentBody: Altered(body)));
        var problem = await AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("the Content-Digest does not match the body", Detail(problem));
        Assert.Equal(before, await swarm.JobCountAsync());
        await AssertNothingReservedAsync(creator);
    }

    [Fact]
    public async Task A_body_altered_with_a_recomputed_digest_is_refused()
    {
        using var creator = await swarm.ActorAsync("creator");
        var body = await JobBodyAsync(creator);
        var before = await swarm.JobCountAsync();
        var uri = new Uri(swarm.BaseAddress, Routes.Jobs);
        var altered = Altered(body);
        var headers = HttpSignature.Sign(creator, "POST", uri.PathAndQuery, body, DateTimeOffset.UtcNow)
            with { ContentDigest = HttpSignature.ContentDigest(altered) };
        using var response = await swarm.SendAsync(swarm.SignedRequest(creator, HttpMethod.Post, Routes.Jobs, body, headers, altered));
        var problem = await AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("the signature does not verify", Detail(problem));
        Assert.Equal(before, await swarm.JobCountAsync());
        await AssertNothingReservedAsync(creator);
    }

    [Fact]
    public async Task A_request_signed_for_another_path_is_refused()
    {
        using var creator = await swarm.ActorAsync("creator");
        var job = await swarm.JobAsync(creator);
        var signedForJobs = HttpSignature.Sign(creator, "POST", Routes.Jobs, "{}"u8, DateTimeOffset.UtcNow);
        using var request = swarm.SignedRequest(creator, HttpMethod.Post, Routes.JobCancel(job.Id), "{}"u8.ToArray(), signedForJobs);
        using var response = await swarm.SendAsync(request);
        var problem = await AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("the signature does not verify", Detail(problem));
        using var client = swarm.Client();
        Assert.Equal(JobStatus.Running, (await client.JobAsync(job.Id)).Status);
        Assert.Equal(job.Billing!.Budget, (await swarm.BalancesAsync(creator.Address)).Reserved);
    }

    [Fact]
    public async Task An_unsigned_post_is_refused()
    {
        using var creator = await swarm.ActorAsync("creator");
        var body = await JobBodyAsync(creator);
        var before = await swarm.JobCountAsync();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        using var response = await swarm.Http.PostAsync(new Uri(swarm.BaseAddress, Routes.Jobs), content);
        var problem = await AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal("the request is not signed (Signature-Input and Signature headers are required)", Detail(problem));
        Assert.Equal(before, await swarm.JobCountAsync());
        await AssertNothingReservedAsync(creator);
    }

    [Fact]
    public async Task An_unsigned_blob_upload_is_refused()
    {
        var bytes = Encoding.UTF8.GetBytes("unsigned blob " + Guid.NewGuid());
        var id = BlobId.Of(bytes);
        using var content = new ByteArrayContent(bytes);
        using var response = await swarm.Http.PutAsync(new Uri(swarm.BaseAddress, Routes.Blob(id)), content);
        await AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.Blob(id)));
    }

    [Fact]
    public async Task A_request_from_an_unregistered_key_is_refused()
    {
        using var stranger = ActorKey.Generate();
        var body = await JobBodyAsync(stranger);
        var before = await swarm.JobCountAsync();
        using var response = await swarm.SendAsync(swarm.SignedRequest(stranger, HttpMethod.Post, Routes.Jobs, body));
        var problem = await AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal($"the key {stranger.Address} is not registered", Detail(problem));
        Assert.Equal(before, await swarm.JobCountAsync());
    }

    [Fact]
    public async Task A_created_time_beyond_any_date_is_refused_not_a_server_error()
    {
        using var creator = await swarm.ActorAsync("creator");
        var body = await JobBodyAsync(creator);
        var before = await swarm.JobCountAsync();
        var uri = new Uri(swarm.BaseAddress, Routes.Jobs);
        var now = DateTimeOffset.UtcNow;
        var headers = HttpSignature.Sign(creator, "POST", uri.PathAndQuery, body, now);
        headers = headers with { SignatureInput = headers.SignatureInput.Replace($"created={now.ToUnixTimeSeconds()}", "created=99999999999999999",
            StringComparison.Ordinal) };
        using var response = await swarm.SendAsync(swarm.SignedRequest(creator, HttpMethod.Post, Routes.Jobs, body, headers));
        await AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(before, await swarm.JobCountAsync());
        await AssertNothingReservedAsync(creator);
    }
}
