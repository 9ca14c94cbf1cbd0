namespace TrainSwarm.Validator.Tests;

/// <summary>
/// Which of two identical blobs is the original: the one the coordinator received first, by its own clock. The task
/// lists updates in join order, which a copier chooses by joining early, so that order must not decide.
/// </summary>
public sealed class ReceivedOrderTests
{
    [Fact]
    public void Updates_are_taken_in_the_order_the_coordinator_received_them_not_the_order_nodes_joined()
    {
        var blob = new byte[] { 1, 2, 3 };
        // Slot order: the copier joined first, then the honest node, then one whose time is unknown, then a tie with the honest node.
        var updates = new[] { "ts1copier", "ts1honest", "ts1unknown", "ts1tied" }
            .Select(node => new Protocol.Wire.UpdateSubmission(Synthetic.Receipt(node, blob), "")).ToList();
        var t0 = new DateTimeOffset(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);
        var receivedAt = new Dictionary<string, DateTimeOffset?>(StringComparer.Ordinal)
        {
            ["ts1copier"] = t0.AddMilliseconds(40), ["ts1honest"] = t0, ["ts1tied"] = t0,
        };
        Assert.Equal([1, 3, 0, 2], RoundValidation.ReceivedOrder(updates, receivedAt));
    }
}
