using TrainSwarm.Client;

namespace TrainSwarm.Node;

/// <summary>
/// Retries coordinator calls through failures that pass by themselves: connection refused or reset, timeouts and
/// 5xx replies (the coordinator may be restarting). A 4xx is the coordinator's considered answer and is never retried.
/// </summary>
public static class NetworkRetry
{
    /// <summary>The first wait; it doubles after every failure up to <see cref="MaxDelay"/>.</summary>
    public static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two tries.</summary>
    public static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(15);

    /// <summary>True for a failure worth trying again (see <see cref="TransientFailure"/>).</summary>
    public static bool IsTransient(Exception error, CancellationToken cancellation) => TransientFailure.Is(error, cancellation);

    /// <summary>The wait before try number <paramref name="failures"/> + 1.</summary>
    public static TimeSpan Delay(int failures) =>
        TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, FirstDelay.Ticks << Math.Min(failures - 1, 10)));

    /// <summary>
    /// Runs <paramref name="action"/> until it succeeds, fails for good, or a retry would end after <paramref name="giveUpAt"/>;
    /// then the last error is thrown. Each wait is reported to <paramref name="observer"/>.
    /// </summary>
    public static async Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> action, string operation, string? roundId, DateTimeOffset giveUpAt,
        INodeObserver observer, TimeProvider clock, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(clock);
        for (var failures = 1; ; failures++)
        {
            try
            {
                return await action(cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTransient(e, cancellation) && clock.GetUtcNow() + Delay(failures) < giveUpAt)
            {
                observer.Retrying(roundId, operation, e.Message, Delay(failures));
                await Task.Delay(Delay(failures), clock, cancellation).ConfigureAwait(false);
            }
        }
    }
}
