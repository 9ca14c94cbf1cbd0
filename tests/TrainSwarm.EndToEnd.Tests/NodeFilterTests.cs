using Spectre.Console;
using TrainSwarm.Cli;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>
/// A node's filters with real node processes, all watching one tiny Fashion-MNIST job: a reward floor above what the
/// round pays, a node serving only "mnist", and one mapping fashion-mnist → mnist (with a path for mnist, set through
/// `swarm node config`). Only the last one joins, and its receipt names the local dataset it trained.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class NodeFilterTests(ITestOutputHelper output)
{
    private static readonly JobSpec Tiny = new()
    {
        Name = "filters", Model = "mlp", Dataset = "fashion-mnist", Rounds = 1, MinNodes = 1, MaxNodes = 3, InnerSteps = 10, BatchSize = 16,
        LearningRate = 0.05, Optimizer = "sgd", TrainSamples = 600, OpenSeconds = 6, TrainSeconds = 120, Seed = 8,
    };

    [Fact]
    public async Task Reward_floor_and_dataset_filters_keep_nodes_out_and_a_mapping_lets_one_in_with_its_local_dataset()
    {
        await using var net = await DevnetScope.StartAsync(output, nodes: 0);
        var floor = await StartNodeAsync(net, 1, "--min-reward", "1000");
        // "digits" is no catalogue name: the installed Fashion-MNIST files under another name, as a node's own local dataset (a node
        // registers only datasets it can load, so it needs the path).
        await SwarmAsync("node", "config", "--config", Path.Combine(net.Folder, "keys", "node-2.config.json"), "--add-path",
            $"digits:{DevnetScope.DatasetDirectory}");
        var digitsOnly = await StartNodeAsync(net, 2, "--dataset", "digits");
        // Devnet gives every node a config file of its own (keys/node-N.config.json); node 3's gets the mapping and the path.
        var config = Path.Combine(net.Folder, "keys", "node-3.config.json");
        await SwarmAsync("node", "config", "--config", config, "--add-path", $"digits:{DevnetScope.DatasetDirectory}", "--add-mapping", "fashion-mnist:digits");
        // Two epochs: 2 × H steps, twice the samples H × batch pays for.
        var mapped = await StartNodeAsync(net, 3, "--dataset", "digits", "--epochs", "2");
        // The mapped node registers the requested name too, or the coordinator would not let it join.
        var nodes = await Wait.ForAsync(
            async () => await net.Creator.NodesAsync() is { Count: 3 } all ? all : null, TimeSpan.FromMinutes(3), "three nodes to register");
        Assert.Equal(["digits", "fashion-mnist"], nodes.Single(n => n.Address == mapped).Datasets);
        Assert.Equal(["digits"], nodes.Single(n => n.Address == digitsOnly).Datasets);

        var job = await net.Creator.SubmitJobAsync(Tiny);
        var roundId = $"{job.Id}-r0";
        var reward = (await net.Creator.RoundAsync(roundId)).ExpectedReward!.Value;
        Assert.True(reward < 1000 * Asset.UnitsPerToken);
        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(3));
        Assert.Equal(JobStatus.Completed, job.Status);

        var round = await net.Creator.RoundAsync(roundId);
        Assert.Equal([mapped], round.Participants.Select(p => p.Node));
        var receipt = Assert.Single(await net.Creator.RoundUpdatesAsync(roundId)).Receipt;
        Assert.Equal((mapped, "digits", 20, 320L), (receipt.Node, receipt.DatasetUsed, receipt.Steps, receipt.Samples));
        // The validator accepts a receipt of more steps than H, and the pay stays that of H × batch samples: the full expected reward.
        var rewards = await Wait.ForAsync(
            async () => await net.Creator.RoundRewardsAsync(roundId) is { Settled: true } r ? r : null, TimeSpan.FromMinutes(2), "the round's rewards");
        var line = Assert.Single(rewards.Lines);
        Assert.Equal((true, 160L, 10_000, reward), (line.Accepted, line.Samples, line.QualityBps, line.Payout));

        // Each node that stayed out says why, once, in its log.
        Assert.Single(Lines(net, 1), l => l.Contains(
            $"{roundId,-18}  skipped: expected reward {Asset.Format(reward)} below --min-reward 1000.000000", StringComparison.Ordinal));
        Assert.Single(Lines(net, 2), l => l.Contains(
            $"{roundId,-18}  skipped: dataset 'fashion-mnist' is not one this node serves (digits)", StringComparison.Ordinal));
        Assert.Contains(Lines(net, 3), l => l.Contains(
            $"{roundId,-18}  dataset mapping: the round asks for 'fashion-mnist', training local dataset 'digits'", StringComparison.Ordinal));
        // The node follows its round to the end: the validator's verdict, then the payout claimed into its wallet.
        await Wait.ForAsync(() => Task.FromResult(Lines(net, 3).FirstOrDefault(l => l.Contains($"{roundId,-18}  paid ", StringComparison.Ordinal))),
            TimeSpan.FromMinutes(3), "node-3 to report its payout");
        Assert.Contains(Lines(net, 3), l => l.Contains($"{roundId,-18}  scored: accepted, holdout loss ", StringComparison.Ordinal));
        await net.VerifyLedgerAsync();
    }

    /// <summary>Node <paramref name="number"/> with its own funded key and <paramref name="args"/>; returns its address.</summary>
    private static async Task<string> StartNodeAsync(DevnetScope net, int number, params string[] args)
    {
        var keyPath = Path.Combine(net.Folder, "keys", $"node-{number}.pem");
        string address;
        using (var key = ActorKey.Generate())
        {
            key.Save(keyPath);
            await net.Net.FundAsync(key, "node", Devnet.NodeFunds, CancellationToken.None);
            address = key.Address;
        }
        net.Net.StartNode(number, args);
        return address;
    }

    private static string[] Lines(DevnetScope net, int number) => net.Net.Nodes.Single(n => n.Name == $"node-{number}").ReadLog().Split('\n');

    /// <summary>Runs `swarm ARGS` in this process; it must succeed.</summary>
    private async Task SwarmAsync(params string[] args)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(
            new AnsiConsoleSettings { Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(writer) });
        var code = await SwarmApp.RunAsync(args, console);
        output.WriteLine($"swarm {string.Join(' ', args)}: {writer.ToString().Trim()}");
        Assert.True(code == 0, $"swarm {string.Join(' ', args)} exited {code}: {writer}");
    }
}
