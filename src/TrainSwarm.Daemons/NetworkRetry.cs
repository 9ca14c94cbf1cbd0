using TrainSwarm.Client;

namespace TrainSwarm.Daemons;

/// <summary>
/// A retry policy for coordinator calls: failures that pass by themselves (connection refused or reset, timeouts, 5xx
/// replies while the coordinator restarts) are tried again after a wait that starts at <see cref="FirstDelay"/> and
/// doubles up to <see cref="MaxDelay"/>. A 4xx is the coordinator's considered answer and is never retried. Each
/// daemon passes its own numbers.
/// </summary>
/// <param name="FirstDelay">The wait after the first failure.</param>
/// <param name="MaxDelay">The longest wait; a value below <paramref name="FirstDelay"/> counts as <paramref name="FirstDelay"/>.</param>
public sealed record NetworkRetry(TimeSpan FirstDelay, TimeSpan MaxDelay)
{
    /// <summary>True for a failure worth trying again (see <see cref="TransientFailure"/>).</summary>
    public static bool IsTransient(Exception error, CancellationToken cancellation) => TransientFailure.Is(error, cancellation);

    /// <summary>The wait before try number <paramref name="failures"/> + 1: FirstDelay × 2^(failures − 1), at most MaxDelay.</summary>
    public TimeSpan Delay(int failures)
    {
        var cap = Math.Max(MaxDelay.Ticks, FirstDelay.Ticks);
        var ticks = FirstDelay.Ticks;
        // Doubling stops at the cap, so a long run of failures cannot overflow.
        for (var i = 1; i < failures && ticks < cap; i++)
            ticks *= 2;
        return TimeSpan.FromTicks(Math.Min(ticks, cap));
    }

    /// <summary>
    /// Runs <paramref name="action"/> until it succeeds, fails for good, or a retry would end after
    /// <paramref name="giveUpAt"/>; then the last error is thrown. Each wait is told to <paramref name="retrying"/> first.
    /// </summary>
    public async Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> action, Action<Exception, TimeSpan> retrying, DateTimeOffset giveUpAt,
        TimeProvider clock, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(retrying);
        ArgumentNullException.ThrowIfNull(clock);
        for (var failures = 1; ; failures++)
        {
            try
            {
                return await action(cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, cancellation) && BeforeGiveUp(clock, Delay(failures), giveUpAt))
            {
                retrying(e, Delay(failures));
                await Task.Delay(Delay(failures), clock, cancellation).ConfigureAwait(false);
            }
        }
    }

    // DateTimeOffset.MaxValue means "never give up"; adding to it would overflow.
    private static bool BeforeGiveUp(TimeProvider clock, TimeSpan delay, DateTimeOffset giveUpAt) =>
        giveUpAt == DateTimeOffset.MaxValue || clock.GetUtcNow() + delay < giveUpAt;
}
