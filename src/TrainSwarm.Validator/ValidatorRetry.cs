using TrainSwarm.Daemons;

namespace TrainSwarm.Validator;

/// <summary>
/// The validator's coordinator calls through the shared <see cref="NetworkRetry"/> policy: retried until they succeed,
/// fail for good or the daemon stops (a validator has no deadline of its own), each wait reported as an error line.
/// </summary>
internal sealed class ValidatorRetry(NetworkRetry policy, IValidatorObserver observer)
{
    /// <summary>The validator's policy: 250 ms first, doubling up to <paramref name="maxBackoff"/> (at least 250 ms).</summary>
    public static NetworkRetry Policy(TimeSpan maxBackoff) => new(TimeSpan.FromMilliseconds(250), maxBackoff);

    /// <summary>Runs <paramref name="call"/> until it succeeds, fails for good, or <paramref name="cancellation"/> fires.</summary>
    public Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellation) =>
        policy.RunAsync(
            call,
            (e, delay) => observer.Error($"{what}: {e.Message}; retrying in {delay.TotalSeconds:0.##} s", e),
            DateTimeOffset.MaxValue, TimeProvider.System, cancellation);
}
