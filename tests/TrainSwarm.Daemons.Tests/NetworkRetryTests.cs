using System.Net;
using TrainSwarm.Client;

namespace TrainSwarm.Daemons.Tests;

/// <summary>
/// The shared retry policy with each daemon's numbers: the exact waits, the cap, what is retried (outages) and what is
/// not (the coordinator's answers), and the give-up time. A clock that fires every timer at once records the waits.
/// </summary>
public sealed class NetworkRetryTests
{
    // The node's numbers (TrainSwarm.Node.NodeRetry) and the validator's with its default MaxBackoff of 10 s.
    private static readonly NetworkRetry Node = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(15));
    private static readonly NetworkRetry Validator = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));

    [Fact]
    public void The_node_waits_500_ms_then_doubles_up_to_15_s()
    {
        Assert.Equal([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000],
            Enumerable.Range(1, 8).Select(f => Node.Delay(f).TotalMilliseconds));
    }

    [Fact]
    public void The_validator_waits_250_ms_then_doubles_up_to_its_max_backoff()
    {
        Assert.Equal([250, 500, 1000, 2000, 4000, 8000, 10000, 10000],
            Enumerable.Range(1, 8).Select(f => Validator.Delay(f).TotalMilliseconds));
    }

    [Fact]
    public void The_cap_holds_for_any_number_of_failures_and_never_cuts_below_the_first_wait()
    {
        Assert.Equal(TimeSpan.FromSeconds(15), Node.Delay(int.MaxValue));
        // A long cap is reached by doubling (no shift limit), as the validator's old loop did.
        var hour = new NetworkRetry(TimeSpan.FromMilliseconds(250), TimeSpan.FromHours(1));
        Assert.Equal(TimeSpan.FromMilliseconds(250 << 13), hour.Delay(14));
        Assert.Equal(TimeSpan.FromHours(1), hour.Delay(15));
        // A cap below the first wait: every wait is the first one.
        var tiny = new NetworkRetry(TimeSpan.FromMilliseconds(250), TimeSpan.FromMilliseconds(100));
        Assert.Equal([250, 250, 250], Enumerable.Range(1, 3).Select(f => tiny.Delay(f).TotalMilliseconds));
    }

    public static TheoryData<Exception> Transient => new()
    {
        new HttpRequestException("connection refused"),
        new SwarmApiException(HttpStatusCode.ServiceUnavailable, "restarting", null),
        new SwarmApiException(HttpStatusCode.InternalServerError, "oops", null),
        new SwarmApiException(HttpStatusCode.TooManyRequests, "slow down", null),
        new TaskCanceledException("HttpClient timeout"),
        new IOException("reset"),
    };

    public static TheoryData<Exception> Permanent => new()
    {
        new SwarmApiException(HttpStatusCode.BadRequest, "bad", null),
        new SwarmApiException(HttpStatusCode.Conflict, "taken", null),
        new SwarmApiException(HttpStatusCode.NotFound, "gone", null),
        new InvalidOperationException("a bug"),
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public async Task A_transient_failure_is_retried_with_the_policys_waits_until_it_passes(Exception failure)
    {
        var clock = new InstantClock();
        var tries = 0;
        var reported = new List<TimeSpan>();
        var result = await Node.RunAsync(
            _ => ++tries <= 3 ? throw failure : Task.FromResult("ok"),
            (_, delay) => reported.Add(delay), DateTimeOffset.MaxValue, clock, CancellationToken.None);

        Assert.Equal(("ok", 4), (result, tries));
        Assert.Equal([500, 1000, 2000], reported.Select(d => d.TotalMilliseconds));
        Assert.Equal(reported, clock.Waits);
    }

    [Theory]
    [MemberData(nameof(Permanent))]
    public async Task A_permanent_failure_is_thrown_at_once(Exception failure)
    {
        var clock = new InstantClock();
        var tries = 0;
        var thrown = await Assert.ThrowsAnyAsync<Exception>(() => Validator.RunAsync<int>(
            _ => { tries++; throw failure; },
            (_, _) => Assert.Fail("no retry expected"), DateTimeOffset.MaxValue, clock, CancellationToken.None));

        Assert.Same(failure, thrown);
        Assert.Equal(1, tries);
        Assert.Empty(clock.Waits);
    }

    [Fact]
    public async Task A_retry_that_would_end_after_the_give_up_time_is_not_made()
    {
        var clock = new InstantClock();
        // 500 + 1000 + 2000 ms end before the 4 s mark; the fourth wait (4000 ms) would end at 7.5 s.
        var giveUpAt = clock.GetUtcNow() + TimeSpan.FromSeconds(4);
        var tries = 0;
        await Assert.ThrowsAsync<HttpRequestException>(() => Node.RunAsync<int>(
            _ => { tries++; throw new HttpRequestException("down"); },
            (_, _) => { }, giveUpAt, clock, CancellationToken.None));

        Assert.Equal(4, tries);
        Assert.Equal([500, 1000, 2000], clock.Waits.Select(d => d.TotalMilliseconds));
    }

    [Fact]
    public async Task Cancellation_stops_the_retries()
    {
        using var stop = new CancellationTokenSource();
        var tries = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Node.RunAsync<int>(
            _ =>
            {
                if (++tries == 2)
                    stop.Cancel();
                throw new HttpRequestException("down");
            },
            (_, _) => { }, DateTimeOffset.MaxValue, new InstantClock(), stop.Token));

        Assert.Equal(2, tries);
    }

    /// <summary>A clock whose timers fire at once, moving the time on by their due time, and that records each wait.</summary>
    private sealed class InstantClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public List<TimeSpan> Waits { get; } = [];

        public override DateTimeOffset GetUtcNow() => _now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            Waits.Add(dueTime);
            _now += dueTime;
            ThreadPool.QueueUserWorkItem(_ => callback(state));
            return new NoTimer();
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
