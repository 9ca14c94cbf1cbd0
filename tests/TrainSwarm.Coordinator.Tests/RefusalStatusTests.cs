using TrainSwarm.Coordination.Rounds;
using TrainSwarm.Coordinator.Hosting;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>The HTTP edge's mapping of domain refusals: every kind has the status clients have always seen for it.</summary>
public class RefusalStatusTests
{
    [Theory]
    [InlineData(RefusalKind.Invalid, 400)]
    [InlineData(RefusalKind.Unauthenticated, 401)]
    [InlineData(RefusalKind.InsufficientFunds, 402)]
    [InlineData(RefusalKind.Forbidden, 403)]
    [InlineData(RefusalKind.NotFound, 404)]
    [InlineData(RefusalKind.Conflict, 409)]
    [InlineData(RefusalKind.TooLarge, 413)]
    [InlineData(RefusalKind.Unprocessable, 422)]
    public void Each_kind_maps_to_its_status(RefusalKind kind, int status) => Assert.Equal(status, RefusalStatus.Of(kind));

    [Fact]
    public void Every_kind_has_a_status() =>
        Assert.All(Enum.GetValues<RefusalKind>(), kind => Assert.InRange(RefusalStatus.Of(kind), 400, 499));

    [Fact]
    public void The_plain_refusals_keep_their_titles()
    {
        Assert.Equal("Conflict", Refusal.Conflict("x").Title);
        Assert.Equal("Forbidden", Refusal.Forbidden("x").Title);
        Assert.Equal("Not found", Refusal.NotFound("x").Title);
        Assert.Equal("Invalid request", Refusal.Invalid("x").Title);
        Assert.Equal("Unauthorized", Refusal.Unauthenticated("x").Title);
    }
}
