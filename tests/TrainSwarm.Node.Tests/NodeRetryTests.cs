namespace TrainSwarm.Node.Tests;

/// <summary>The node's retry numbers, as they were before the policy moved to TrainSwarm.Daemons: 500 ms doubling to 15 s.</summary>
public sealed class NodeRetryTests
{
    [Fact]
    public void The_node_waits_500_ms_then_doubles_up_to_15_s()
    {
        Assert.Equal((TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(15)), (NodeRetry.Policy.FirstDelay, NodeRetry.Policy.MaxDelay));
        Assert.Equal([500, 1000, 2000, 4000, 8000, 15000, 15000], Enumerable.Range(1, 7).Select(f => NodeRetry.Policy.Delay(f).TotalMilliseconds));
    }
}
