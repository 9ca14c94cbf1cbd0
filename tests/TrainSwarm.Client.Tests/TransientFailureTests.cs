using System.Net;

namespace TrainSwarm.Client.Tests;

/// <summary>Every daemon retries exactly the failures that pass by themselves, and never a considered refusal.</summary>
public sealed class TransientFailureTests
{
    public static TheoryData<HttpStatusCode, bool> Statuses => new()
    {
        { HttpStatusCode.InternalServerError, true },
        { HttpStatusCode.BadGateway, true },
        { HttpStatusCode.ServiceUnavailable, true },
        { HttpStatusCode.GatewayTimeout, true },
        { HttpStatusCode.TooManyRequests, true },
        { HttpStatusCode.RequestTimeout, true },
        { HttpStatusCode.BadRequest, false },
        { HttpStatusCode.Unauthorized, false },
        { HttpStatusCode.Forbidden, false },
        { HttpStatusCode.NotFound, false },
        { HttpStatusCode.Conflict, false },
        { HttpStatusCode.UnprocessableEntity, false },
    };

    [Theory]
    [MemberData(nameof(Statuses))]
    public void A_coordinator_answer_is_transient_only_when_it_says_try_later(HttpStatusCode status, bool transient) =>
        Assert.Equal(transient, TransientFailure.Is(new SwarmApiException(status, "t", null), CancellationToken.None));

    [Fact]
    public void Network_errors_are_transient()
    {
        Assert.True(TransientFailure.Is(new HttpRequestException("connection refused"), CancellationToken.None));
        Assert.True(TransientFailure.Is(new IOException("reset"), CancellationToken.None));
    }

    [Fact]
    public void A_timeout_is_transient_but_the_callers_own_cancellation_is_not()
    {
        using var stopped = new CancellationTokenSource();
        stopped.Cancel();
        Assert.True(TransientFailure.Is(new TaskCanceledException("HttpClient timeout"), CancellationToken.None));
        Assert.True(TransientFailure.Is(new TimeoutException(), CancellationToken.None));
        Assert.False(TransientFailure.Is(new OperationCanceledException(stopped.Token), stopped.Token));
    }

    [Fact]
    public void A_bug_is_not_transient() =>
        Assert.False(TransientFailure.Is(new InvalidOperationException("no key"), CancellationToken.None));
}
