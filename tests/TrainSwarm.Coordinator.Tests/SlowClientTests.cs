using System.Net;
using System.Text;
using TrainSwarm.Coordinator.Hosting;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// Slow and hostile clients against a real Kestrel on 127.0.0.1 with tightened <see cref="ConnectionLimits"/>: headers sent byte by byte
/// and a trickled body are cut off, while a normal large upload still goes through. Each slow client is paced so that Kestrel's own
/// defaults (30 s for headers, 240 B/s for bodies) would let it finish: only the configured limits can cut it off.
/// </summary>
public sealed class SlowClientTests : IAsyncLifetime
{
    private static readonly ConnectionLimits Strict = new()
    {
        RequestHeadersTimeout = TimeSpan.FromSeconds(2),
        MinRequestBodyBytesPerSecond = 1000,
        MinRequestBodyGracePeriod = TimeSpan.FromSeconds(2),
        MaxJsonBodyBytes = 4096,
    };

    private readonly CoordinatorFixture _swarm = new() { Limits = Strict };

    public Task InitializeAsync() => _swarm.InitializeAsync();

    public Task DisposeAsync() => _swarm.DisposeAsync();

    [Fact]
    public async Task Headers_sent_byte_by_byte_slower_than_the_headers_timeout_are_cut_off_while_others_are_served()
    {
        // 240 bytes, one every 100 ms: about 24 s to send in full, under Kestrel's default of 30 s but far over the 2 s configured.
        var request = Encoding.ASCII.GetBytes($"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: {new string('a', 200)}\r\n\r\n");
        await using var slow = await RawHttpConnection.OpenAsync(_swarm.BaseAddress);
        var trickle = slow.TrickleAsync(request, 1, TimeSpan.FromMilliseconds(100));

        Assert.Equal(HttpStatusCode.OK, await _swarm.StatusOfGetAsync("/health"));
        await slow.WaitClosedAsync();
        var sent = await trickle;
        Assert.True(sent < request.Length, $"all {sent} bytes of the slow headers went out: the server never cut the client off");
        AssertTimeoutOrNothing(slow.Received);
    }

    [Fact]
    public async Task A_body_trickled_below_the_minimum_rate_is_cut_off_and_changes_nothing()
    {
        using var creator = await _swarm.ActorAsync("creator");
        var before = await _swarm.BalancesAsync(creator.Address);
        // 50 bytes every 100 ms is about 500 B/s: above Kestrel's default minimum (240 B/s), below the 1,000 B/s configured.
        var body = new byte[3000];
        Array.Fill(body, (byte)' ');
        var head = $"POST {Routes.Faucet} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n";
        await using var slow = await RawHttpConnection.OpenAsync(_swarm.BaseAddress);
        Assert.True(await slow.SendAsync(head));
        var trickle = slow.TrickleAsync(body, 50, TimeSpan.FromMilliseconds(100));

        await slow.WaitClosedAsync();
        var sent = await trickle;
        Assert.True(sent < body.Length, $"all {sent} body bytes went out: the server never cut the trickle off; it answered: {slow.Received}");
        AssertTimeoutOrNothing(slow.Received);
        Assert.Equal(SwarmJson.Serialize(before), SwarmJson.Serialize(await _swarm.BalancesAsync(creator.Address)));
    }

    [Fact]
    public async Task A_normal_upload_of_the_largest_blob_succeeds_under_the_same_limits_and_json_bodies_keep_their_own_limit()
    {
        using var node = await _swarm.NodeAsync("fashion-mnist");
        var bytes = new byte[CoordinatorFixture.MaxBlobBytes];
        new Random(18).NextBytes(bytes);
        using var client = _swarm.Client(node);
        var id = await client.PutBlobAsync(bytes);
        Assert.Equal(bytes, await client.GetBlobAsync(id));

        // A signed JSON request over the 4 KiB JSON limit is refused before it is parsed, though a blob 256 times as large was taken.
        var before = await _swarm.BalancesAsync(node.Address);
        var padded = Utf8($"{{\"amount\": 1, \"pad\": \"{new string('x', 5000)}\"}}");
        using var response = await _swarm.SendAsync(_swarm.SignedRequest(node, HttpMethod.Post, Routes.Faucet, padded));
        var problem = await AssertAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("4096", Detail(problem), StringComparison.Ordinal);
        Assert.Equal(SwarmJson.Serialize(before), SwarmJson.Serialize(await _swarm.BalancesAsync(node.Address)));
    }

    // Kestrel answers a timed-out request 408 when it can still write a response, and otherwise just closes the connection.
    private static void AssertTimeoutOrNothing(string received) =>
        Assert.True(received.Length == 0 || received.StartsWith("HTTP/1.1 408 ", StringComparison.Ordinal), $"unexpected answer: {received}");
}
