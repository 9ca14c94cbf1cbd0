using System.Net;
using TrainSwarm.Coordinator.Hosting;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>The header-size and connection limits hold at their values and follow the options when an operator changes them.</summary>
public sealed class ConnectionLimitsTests
{
    private const string Health = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

    [Fact]
    public async Task A_header_block_over_the_default_32_KiB_is_refused_431_and_a_raised_limit_lets_it_through()
    {
        var big = new string('h', 40_000);
        await WithCoordinatorAsync(new ConnectionLimits(), async swarm =>
        {
            Assert.Equal(32 * 1024, new ConnectionLimits().MaxRequestHeadersBytes);
            Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, await StatusWithHeaderAsync(swarm, big));
            Assert.Equal(HttpStatusCode.OK, await StatusWithHeaderAsync(swarm, new string('h', 20_000)));
        });
        await WithCoordinatorAsync(new ConnectionLimits { MaxRequestHeadersBytes = 64 * 1024 }, async swarm =>
            Assert.Equal(HttpStatusCode.OK, await StatusWithHeaderAsync(swarm, big)));
    }

    [Fact]
    public async Task Connections_over_the_limit_are_closed_unanswered_and_served_again_once_one_ends()
    {
        await WithCoordinatorAsync(new ConnectionLimits { MaxConcurrentConnections = 2 }, async swarm =>
        {
            var first = await AnsweredConnectionAsync(swarm);
            await using var second = await AnsweredConnectionAsync(swarm);
            await using (var third = await RawHttpConnection.OpenAsync(swarm.BaseAddress))
            {
                await third.SendAsync(Health);
                await third.WaitClosedAsync();
                Assert.Equal("", third.Received);
            }

            await first.DisposeAsync();
            // The server notices the closed connection in its own time: poll until a new one is served.
            await CoordinatorFixture.EventuallyAsync(async () =>
            {
                await using var again = await RawHttpConnection.OpenAsync(swarm.BaseAddress);
                await again.SendAsync(Health);
                await CoordinatorFixture.EventuallyAsync(() => Task.FromResult(again.ServerClosed || again.Received.Contains("\r\n\r\n")),
                    "an answer or a close");
                return again.Received.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal);
            }, "a connection to be served after one of the two ended");
        });
    }

    [Fact]
    public void Limits_kestrel_cannot_run_with_are_refused_by_name()
    {
        Assert.Equal("MinRequestBodyGracePeriod", Assert.Throws<ArgumentException>(() =>
            new ConnectionLimits { MinRequestBodyGracePeriod = TimeSpan.FromSeconds(1) }.Validate()).ParamName);
        Assert.Equal("MaxConcurrentConnections", Assert.Throws<ArgumentException>(() =>
            new ConnectionLimits { MaxConcurrentConnections = 0 }.Validate()).ParamName);
        Assert.Equal("RequestHeadersTimeout", Assert.Throws<ArgumentException>(() =>
            new ConnectionLimits { RequestHeadersTimeout = TimeSpan.Zero }.Validate()).ParamName);
        // A rate of 0 turns the body-rate check off, so its grace period no longer matters.
        new ConnectionLimits { MinRequestBodyBytesPerSecond = 0, MinRequestBodyGracePeriod = TimeSpan.Zero }.Validate();
    }

    // A connection that sent one request and got its 200, so the server has counted it and keeps it open.
    private static async Task<RawHttpConnection> AnsweredConnectionAsync(CoordinatorFixture swarm)
    {
        var connection = await RawHttpConnection.OpenAsync(swarm.BaseAddress);
        await connection.SendAsync(Health);
        await CoordinatorFixture.EventuallyAsync(() => Task.FromResult(connection.Received.Contains("\r\n\r\n") || connection.ServerClosed),
            "the first answer");
        Assert.StartsWith("HTTP/1.1 200 ", connection.Received, StringComparison.Ordinal);
        return connection;
    }

    private static async Task<HttpStatusCode> StatusWithHeaderAsync(CoordinatorFixture swarm, string value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(swarm.BaseAddress, "/health"));
        request.Headers.TryAddWithoutValidation("X-Big", value);
        using var response = await swarm.Http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task WithCoordinatorAsync(ConnectionLimits limits, Func<CoordinatorFixture, Task> test)
    {
        var swarm = new CoordinatorFixture { Limits = limits };
        await swarm.InitializeAsync();
        try
        {
            await test(swarm);
        }
        finally
        {
            await swarm.DisposeAsync();
        }
    }
}
