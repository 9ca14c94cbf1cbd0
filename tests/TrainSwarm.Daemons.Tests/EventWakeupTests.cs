using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using TrainSwarm.Client;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.Daemons.Tests;

/// <summary>
/// <see cref="EventWakeup"/> reading a real SSE stream through the real <see cref="SwarmClient"/>: the test plays the coordinator,
/// writing event lines into the response body as it chooses. Only lower bounds of time are asserted exactly (a delay never ends early);
/// "at once" means well before a long interval, so a loaded machine cannot fail it.
/// </summary>
public sealed class EventWakeupTests : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(2);
    private readonly Pipe _body = new();
    private readonly StreamHandler _handler;
    private readonly HttpClient _http;
    private readonly SwarmClient _client;
    private long _sequence;

    public EventWakeupTests()
    {
        _handler = new StreamHandler(_body.Reader.AsStream());
        _http = new HttpClient(_handler);
        _client = new SwarmClient(new Uri("http://coordinator.test/"), null, _http);
    }

    [Fact]
    public async Task A_matching_event_ends_the_sleep_long_before_the_interval()
    {
        await using var wakeup = new EventWakeup(_client, [EventTypes.RoundStarted]);
        await WaitForAsync(() => _handler.Requested is not null, "the wake-up to open the stream");
        Assert.Equal("/api/v1/events?live=true", _handler.Requested!.PathAndQuery);

        var clock = Stopwatch.StartNew();
        var sleep = wakeup.SleepAsync(Long, CancellationToken.None);
        await SendAsync(EventTypes.RoundStarted);
        await sleep.WaitAsync(Long / 2);
        Assert.True(clock.Elapsed < Long / 2, $"slept {clock.Elapsed}");
        Assert.Equal(1, wakeup.Wakeups);
    }

    [Fact]
    public async Task Other_events_do_not_wake_and_the_interval_still_ends_the_sleep()
    {
        await using var wakeup = new EventWakeup(_client, [EventTypes.ValidationStarted]);
        await WaitForAsync(() => _handler.Requested is not null, "the wake-up to open the stream");
        await SendAsync(EventTypes.NodeJoined);
        await SendAsync(EventTypes.RoundStarted);

        var clock = Stopwatch.StartNew();
        await wakeup.SleepAsync(TimeSpan.FromMilliseconds(400), CancellationToken.None);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(390), $"woke after {clock.Elapsed}");
        Assert.Equal(0, wakeup.Wakeups);
    }

    [Fact]
    public async Task An_event_that_came_while_nobody_slept_makes_the_next_sleep_return_at_once_and_only_that_one()
    {
        await using var wakeup = new EventWakeup(_client, [EventTypes.RoundStarted]);
        await WaitForAsync(() => _handler.Requested is not null, "the wake-up to open the stream");
        await SendAsync(EventTypes.RoundStarted);
        await WaitForAsync(() => wakeup.Wakeups == 1, "the event to be read");

        var clock = Stopwatch.StartNew();
        await wakeup.SleepAsync(Long, CancellationToken.None).WaitAsync(Long / 2);
        Assert.True(clock.Elapsed < Long / 2, $"slept {clock.Elapsed}");
        // Consumed: the next sleep waits again.
        clock.Restart();
        await wakeup.SleepAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"woke after {clock.Elapsed}");
    }

    [Fact]
    public async Task A_refused_stream_leaves_plain_interval_sleeps()
    {
        using var refusing = new HttpClient(new StreamHandler(null));
        using var client = new SwarmClient(new Uri("http://coordinator.test/"), null, refusing);
        await using var wakeup = new EventWakeup(client, [EventTypes.RoundStarted]);
        var clock = Stopwatch.StartNew();
        await wakeup.SleepAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(290), $"woke after {clock.Elapsed}");
    }

    private async Task SendAsync(string type)
    {
        var e = new SwarmEvent(++_sequence, type, DateTimeOffset.UtcNow, "j1", null, null, type, null);
        await _body.Writer.WriteAsync(Encoding.UTF8.GetBytes($"id: {e.Sequence}\nevent: {type}\ndata: {SwarmJson.Serialize(e)}\n\n"));
    }

    private static async Task WaitForAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Long;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _body.Writer.CompleteAsync();
        _client.Dispose();
        _http.Dispose();
    }

    /// <summary>Answers the first request with <paramref name="body"/> as an SSE stream (null: 503), and every later one with 503.</summary>
    private sealed class StreamHandler(Stream? body) : HttpMessageHandler
    {
        private int _calls;

        public Uri? Requested { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (body is null || Interlocked.Increment(ref _calls) > 1)
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { Content = new StringContent("down") });
            Requested = request.RequestUri;
            var content = new StreamContent(body);
            content.Headers.ContentType = new("text/event-stream");
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        }
    }
}
