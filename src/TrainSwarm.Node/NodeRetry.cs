using TrainSwarm.Daemons;

namespace TrainSwarm.Node;

/// <summary>
/// The node's coordinator calls through the shared <see cref="NetworkRetry"/> policy, each wait reported to the
/// node's observer: 500 ms first, doubling up to 15 s.
/// </summary>
internal static class NodeRetry
{
    /// <summary>The node's policy (also the back-off of its polling loop after failed polls).</summary>
    public static readonly NetworkRetry Policy = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(15));

    /// <summary>
    /// Runs <paramref name="action"/> until it succeeds, fails for good, or a retry would end after
    /// <paramref name="giveUpAt"/>; then the last error is thrown. Each wait is reported to <paramref name="observer"/>.
    /// </summary>
    public static Task<T> RunAsync<T>(
        Func<CancellationToken, Task<T>> action, string operation, string? roundId, DateTimeOffset giveUpAt,
        INodeObserver observer, TimeProvider clock, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return Policy.RunAsync(
            action, (e, delay) => observer.Retrying(roundId, operation, e.Message, delay), giveUpAt, clock, cancellation);
    }
}
