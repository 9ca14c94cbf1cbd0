using TrainSwarm.Cli.Devnet;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>
/// A receipt trained on another device kind than the validator's is not replayed, and that is neither a pass nor a failure: two
/// honest nodes (whose receipts name this machine's CPU kind) and one that trains honestly but names a GPU kind this validator does
/// not have (tests/TrainSwarm.CheatingNode --cheat foreign-device) share one round with every segment due for replay. The honest
/// updates are replayed in full; the foreign one is skipped with the reason, accepted on its score, paid, and not slashed.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ForeignDeviceTests(ITestOutputHelper output)
{
    private static readonly JobSpec Spec = new()
    {
        Name = "foreign-device", Model = "mlp", Dataset = "fashion-mnist", Rounds = 1, MinNodes = 3, MaxNodes = 3, InnerSteps = 50,
        BatchSize = 32, LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9, Strategy = "fedavg", TrainSamples = 6_000,
        OpenSeconds = 180, TrainSeconds = 300, Seed = 17, ReplayShareBps = 10_000, CommitEvery = 25,
    };

    [Fact]
    public async Task A_receipt_from_a_foreign_device_kind_is_skipped_not_failed_and_the_node_is_paid()
    {
        await using var net = await DevnetScope.StartAsync(output, nodes: 2);
        var url = net.Net.Url.ToString().TrimEnd('/');
        var keyPath = Path.Combine(net.Folder, "keys", "foreign-device.pem");
        string foreign;
        using (var key = ActorKey.Generate())
        {
            key.Save(keyPath);
            foreign = key.Address;
            await net.Net.FundAsync(key, "node", Devnet.NodeFunds, CancellationToken.None);
        }
        using var process = SwarmProcess.StartDll("foreign-device", Path.Combine(AppContext.BaseDirectory, "TrainSwarm.CheatingNode.dll"),
            ["--cheat", "foreign-device", "--coordinator", url, "--key", keyPath, "--name", "foreign-device", "--data-dir", DevnetScope.DatasetDirectory,
                "--threads", "1"],
            net.Net.LogPath("foreign-device"));
        try
        {
            await Wait.ForAsync(async () => (await net.Creator.NodesAsync()).Count == 3 ? "all registered" : null, TimeSpan.FromMinutes(3),
                "the 2 honest nodes and the foreign-device one to register");
            var honestNodes = (await net.Creator.NodesAsync()).Where(n => n.Address != foreign).ToList();
            // Registrations name the CPU engine's kind now; the dashboard and `swarm node list` show it.
            Assert.All(honestNodes, n => Assert.StartsWith("cpu-", n.Hardware.Device, StringComparison.Ordinal));
            Assert.All(honestNodes, n => Assert.Null(n.Hardware.Gpu));

            var quote = await net.Creator.QuoteAsync(Spec);
            var job = await net.Creator.SubmitJobAsync(Spec, quote, quote.Total, 3600);
            job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(10));
            Assert.Equal(1, job.RoundsDone);

            var result = (await net.Creator.RoundResultAsync($"{job.Id}-r0")).Result;
            foreach (var v in result.Verdicts)
                output.WriteLine($"verdict {v.Node}: accepted {v.Accepted}, fraud {v.Fraud}, replayed {v.ReplayedSteps}, skipped {v.ReplaySkipped ?? "-"}, " +
                    $"reason {v.Reason ?? "-"}");
            Assert.Equal(3, result.Verdicts.Count);
            var skipped = result.Verdicts.Single(v => v.Node == foreign);
            Assert.True(skipped.Accepted, $"the foreign-device update was rejected: {skipped.Reason}");
            Assert.Null(skipped.Fraud);
            Assert.Null(skipped.ReplayedSteps);
            Assert.Null(skipped.ReplaySegment);
            Assert.StartsWith($"not replayed: trained on {TrainSwarm.CheatingNode.Cheats.ForeignDevice}, and this validator replays on cpu-",
                skipped.ReplaySkipped, StringComparison.Ordinal);
            foreach (var v in result.Verdicts.Where(v => v.Node != foreign))
            {
                Assert.True(v.Accepted, $"honest {v.Node} was rejected: {v.Reason}");
                Assert.Equal((Spec.InnerSteps, (string?)null, (bool?)null), (v.ReplayedSteps, v.ReplaySkipped, v.Fraud));
            }

            // Skipped is not failed: the node is paid for its accepted update and keeps its stake.
            var invoice = await net.SettledInvoiceAsync(job.Id);
            var lines = Assert.Single(invoice.Rounds).Lines.ToDictionary(l => l.Node, StringComparer.Ordinal);
            Assert.True(lines[foreign].Payout > 0, $"the foreign-device node was paid {lines[foreign].Payout}");
            var node = (await net.Creator.NodesAsync()).Single(n => n.Address == foreign);
            Assert.Equal((0, 0L), (node.Frauds, node.Slashed));
        }
        finally
        {
            await process.StopAsync(TimeSpan.FromSeconds(5));
        }
    }
}
