using TrainSwarm.Client;

namespace TrainSwarm.Validator;

/// <summary>
/// Retries calls to the coordinator that failed for reasons that pass (unreachable, restarting, overloaded), backing
/// off exponentially up to a ceiling. Refusals (4xx) are answers, not outages, and are thrown to the caller.
/// </summary>
internal sealed class NetworkRetry(IValidatorObserver observer, TimeSpan maxBackoff)
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);

    /// <summary>Runs <paramref name="call"/> until it succeeds, fails for good, or <paramref name="cancellation"/> fires.</summary>
    public async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellation)
    {
        var delay = FirstBackoff;
        while (true)
        {
            try
            {
                return await call(cancellation);
            }
            catch (Exception e) when (IsTransient(e, cancellation))
            {
                observer.Error($"{what}: {e.Message}; retrying in {delay.TotalSeconds:0.##} s", e);
                await Task.Delay(delay, cancellation);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, Math.Max(maxBackoff.Ticks, FirstBackoff.Ticks)));
            }
        }
    }

    /// <summary>True for failures worth retrying (see <see cref="TransientFailure"/>).</summary>
    public static bool IsTransient(Exception e, CancellationToken cancellation) => TransientFailure.Is(e, cancellation);
}
