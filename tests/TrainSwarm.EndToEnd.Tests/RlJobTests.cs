using System.Globalization;
using Spectre.Console;
using TrainSwarm.Cli;
using TrainSwarm.Cli.Devnet;
using TrainSwarm.Coordination.Market;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>
/// The rl job kind with real processes: a coordinator, a validator and three node daemons train the <c>cartpole-ppo</c> preset to
/// Gymnasium's solved threshold (the real target, 475 over 100 evaluation episodes: the devnet solves it in 4 to 6 rounds, well
/// under a minute of training on two cores) and the money settles exactly. Then a fourth node (tests/TrainSwarm.CheatingNode,
/// <c>--cheat lower-return</c>) joins a second job and uploads the opposite of its honest delta; it earns less, by the return rule.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class RlJobTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Three_nodes_solve_cartpole_settle_exactly_and_a_delta_that_lowers_the_return_earns_less()
    {
        await using var net = await DevnetScope.StartAsync(output, nodes: 3);
        await using var bad = new BadNode();

        // The devnet's job, with the default replay share: honest rl replays must pass (they run the round again from its start).
        var spec = RlDemoJob.Spec(rounds: 20, nodes: 3);
        var quote = await net.Creator.QuoteAsync(spec);
        Assert.Equal(20L * 3 * 16 * 256, quote.TrainingSamples);
        var job = await net.Creator.SubmitJobAsync(spec, quote, quote.Total, 3600);
        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(8));
        output.WriteLine($"{job.Status}: {job.StatusReason}");
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.StartsWith("target mean return 475 reached", job.StatusReason, StringComparison.Ordinal);
        Assert.True(job.LastMetrics!.MeanReturn >= 475, $"mean return {job.LastMetrics.MeanReturn}");
        Assert.Equal(100, job.LastMetrics.EvalEpisodes);
        var final = RlDemoJob.Evaluate(spec, await net.Creator.DownloadModelAsync(job.Id));
        output.WriteLine($"final policy on seeds 1000000..: {final.MeanReturn}");
        await JobStatusShowsReturnsAsync(net, job);

        var invoice = await net.SettledInvoiceAsync(job.Id);
        Assert.Equal(job.RoundsDone, invoice.Rounds.Count);
        foreach (var line in invoice.Rounds.SelectMany(r => r.Lines))
        {
            output.WriteLine($"{line.Node}: {line.BaseReturn} → {line.UpdatedReturn}, quality {line.QualityBps}, paid {line.Payout}, {line.Reason}");
            Assert.True(line.Accepted, line.Reason);
            Assert.Null(line.Fraud);
            Assert.Equal(16L * 256, line.Samples);
            Assert.Equal(ReturnQuality.Bps(line.BaseReturn!.Value, line.UpdatedReturn!.Value), line.QualityBps);
        }
        Assert.Equal(invoice.Rounds.SelectMany(r => r.Lines).Sum(l => l.Payout), invoice.ComputePaid);
        Assert.Equal(invoice.Reserved, invoice.TotalBilled + invoice.Refund);
        var creator = await net.Creator.BalancesAsync(net.Creator.Address);
        Assert.Equal((Devnet.CreatorFunds - invoice.TotalBilled, 0L), (creator.Wallet, creator.Reserved));
        await net.VerifyLedgerAsync();

        // The bad node joins a one-round job of all four. With no replays (replayShareBps 0) its update is judged by its return
        // alone, which is what this part is about; with replays a check of its last segment would prove it fraudulent instead.
        var keyPath = Path.Combine(net.Folder, "keys", "cheat-lower-return.pem");
        string badAddress;
        using (var key = ActorKey.Generate())
        {
            key.Save(keyPath);
            badAddress = key.Address;
            await net.Net.FundAsync(key, "node", Devnet.NodeFunds, CancellationToken.None);
        }
        bad.Start(SwarmProcess.StartDll("cheat-lower-return", Path.Combine(AppContext.BaseDirectory, "TrainSwarm.CheatingNode.dll"),
            ["--cheat", "lower-return", "--coordinator", net.Net.Url.ToString().TrimEnd('/'), "--key", keyPath, "--name", "cheat-lower-return",
                "--data-dir", DevnetScope.DatasetDirectory, "--threads", "1"],
            net.Net.LogPath("cheat-lower-return")));
        await Wait.ForAsync(async () => (await net.Creator.NodesAsync()).Count == 4 ? "registered" : null, TimeSpan.FromMinutes(2),
            "the bad node to register");
        var second = RlDemoJob.Spec(rounds: 1, nodes: 4) with { Name = "lower-return", MinNodes = 4, OpenSeconds = 120, ReplayShareBps = 0 };
        var quote2 = await net.Creator.QuoteAsync(second);
        var job2 = await net.Creator.SubmitJobAsync(second, quote2, quote2.Total, 3600);
        job2 = await net.WaitForEndAsync(job2.Id, TimeSpan.FromMinutes(5));
        Assert.Equal(JobStatus.Completed, job2.Status);
        var lines = Assert.Single((await net.SettledInvoiceAsync(job2.Id)).Rounds).Lines;
        Assert.Equal(4, lines.Count);
        foreach (var line in lines)
            output.WriteLine($"{(line.Node == badAddress ? "bad" : "honest")} {line.Node}: {line.BaseReturn} → {line.UpdatedReturn}, " +
                $"quality {line.QualityBps}, paid {line.Payout}");
        var worse = lines.Single(l => l.Node == badAddress);
        Assert.True(worse.Accepted, worse.Reason);
        Assert.True(worse.UpdatedReturn < worse.BaseReturn, $"the flipped delta took the return from {worse.BaseReturn} to {worse.UpdatedReturn}");
        Assert.Equal(ReturnQuality.Bps(worse.BaseReturn!.Value, worse.UpdatedReturn!.Value), worse.QualityBps);
        Assert.True(worse.QualityBps < Settlement.FullBps);
        var improving = lines.Where(l => l.Node != badAddress && l.UpdatedReturn >= l.BaseReturn).ToList();
        Assert.NotEmpty(improving);
        foreach (var honest in improving)
            Assert.True(worse.Payout < honest.Payout, $"bad node paid {worse.Payout}, honest {honest.Node} {honest.Payout}");
        await net.VerifyLedgerAsync();
    }

    /// <summary>The bad node's process: stopped before the devnet, so its log is complete.</summary>
    private sealed class BadNode : IAsyncDisposable
    {
        private SwarmProcess? _process;

        public void Start(SwarmProcess process) => _process = process;

        public async ValueTask DisposeAsync()
        {
            if (_process is null)
                return;
            await _process.StopAsync(TimeSpan.FromSeconds(5));
            _process.Dispose();
        }
    }

    /// <summary>`swarm job status` prints the job's last mean return and, per round, the base and new global's returns as the API has them.</summary>
    private async Task JobStatusShowsReturnsAsync(DevnetScope net, JobView job)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No, Interactive = InteractionSupport.No, Out = new AnsiConsoleOutput(writer),
        });
        console.Profile.Width = 200;
        var code = await SwarmApp.RunAsync(["job", "status", job.Id, "--coordinator", net.Net.Url.ToString().TrimEnd('/')], console);
        var text = writer.ToString();
        output.WriteLine(text);
        Assert.True(code == 0, text);
        var lines = text.Split('\n').Select(l => l.TrimEnd()).ToList();
        Assert.Contains(string.Create(CultureInfo.InvariantCulture,
            $"mean return: {job.LastMetrics!.MeanReturn:F1} over 100 evaluation episodes (target 475)"), lines);
        foreach (var round in (await net.Creator.JobRoundsAsync(job.Id)).Where(r => r.Status == RoundStatus.Done))
        {
            var m = round.Metrics!;
            var returns = string.Create(CultureInfo.InvariantCulture, $"{m.BaseMeanReturn:F1} → {m.MeanReturn:F1}");
            Assert.Contains(lines, l => l.StartsWith($"│ {round.Index} ", StringComparison.Ordinal) && l.Contains(returns, StringComparison.Ordinal));
        }
    }
}
