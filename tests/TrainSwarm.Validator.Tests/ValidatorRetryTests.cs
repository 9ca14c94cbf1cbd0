namespace TrainSwarm.Validator.Tests;

/// <summary>
/// The validator's retry numbers, as they were before the policy moved to TrainSwarm.Daemons: 250 ms doubling up to
/// ValidatorOptions.MaxBackoff (10 s by default), never below 250 ms.
/// </summary>
public sealed class ValidatorRetryTests
{
    [Fact]
    public void The_validator_waits_250_ms_then_doubles_up_to_its_max_backoff()
    {
        var policy = ValidatorRetry.Policy(new ValidatorOptions(new Uri("http://127.0.0.1:9"), "unused.pem").MaxBackoff);
        Assert.Equal([250, 500, 1000, 2000, 4000, 8000, 10000, 10000], Enumerable.Range(1, 8).Select(f => policy.Delay(f).TotalMilliseconds));
    }

    [Fact]
    public void A_max_backoff_below_the_first_wait_keeps_the_first_wait()
    {
        var policy = ValidatorRetry.Policy(TimeSpan.FromMilliseconds(100));
        Assert.Equal([250, 250, 250], Enumerable.Range(1, 3).Select(f => policy.Delay(f).TotalMilliseconds));
    }
}
