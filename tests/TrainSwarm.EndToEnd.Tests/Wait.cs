namespace TrainSwarm.EndToEnd.Tests;

/// <summary>Polls a condition until it holds or a generous timeout passes (tests assert behaviour, never timings).</summary>
internal static class Wait
{
    public static async Task<T> ForAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0} s waiting for {what}");
            await Task.Delay(200);
        }
    }
}
