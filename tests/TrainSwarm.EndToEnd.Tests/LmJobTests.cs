using TrainSwarm.Cli.Devnet;
using TrainSwarm.Coordination.Market;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>
/// The lm job kind with real processes: a coordinator, a validator and three node daemons pre-train gpt-tiny on the fortunes
/// corpus (Debian's package, which test.sh installs) with DiLoCo, 2 rounds of H = 50 steps of 8 × 64 tokens each, replaying a
/// third of the committed segments; the held-out loss must fall from its initial ~5.56 nats (uniform over 257 symbols is 5.55)
/// below 3.5, and the money must settle exactly.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class LmJobTests(ITestOutputHelper output)
{
    private const double LossBound = 3.5;

    [Fact]
    public async Task Three_nodes_pretrain_gpt_tiny_on_fortunes_below_the_loss_bound_and_settle_exactly()
    {
        await using var net = await DevnetScope.StartAsync(output, nodes: 3);
        var spec = LmDemoJob.Spec(rounds: 2, nodes: 3, innerSteps: 50) with { ReplayShareBps = 3_300 };
        Assert.Equal("diloco", spec.Strategy);
        var quote = await net.Creator.QuoteAsync(spec);
        Assert.Equal(2L * 3 * 50 * 8 * 64, quote.TrainingSamples);
        Assert.Equal(6_418_656, quote.TrainingFlopsPerSample);
        var job = await net.Creator.SubmitJobAsync(spec, quote, quote.Total, 3600);
        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(9));
        output.WriteLine($"{job.Status}: {job.StatusReason}");
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.Equal(2, job.RoundsDone);

        var rounds = (await net.Creator.JobRoundsAsync(job.Id)).Where(r => r.Status == RoundStatus.Done && r.Metrics is not null).ToList();
        foreach (var r in rounds)
            output.WriteLine(
                $"round {r.Index}: held-out loss {r.Metrics!.BaseHoldoutLoss:F4} -> {r.Metrics.HoldoutLoss:F4} on {r.Metrics.HoldoutSamples} tokens");
        Assert.True(rounds[0].Metrics!.BaseHoldoutLoss > 5.4, $"initial loss {rounds[0].Metrics!.BaseHoldoutLoss}");
        var last = job.LastMetrics!.HoldoutLoss;
        Assert.True(last < LossBound, $"final held-out loss {last} is not below {LossBound}");
        // The validator's figure is the engine's, bitwise: evaluated here on the downloaded model it is the same number.
        var here = LmDemoJob.Evaluate(spec, await net.Creator.DownloadModelAsync(job.Id));
        Assert.Equal(last, here.Loss);

        var invoice = await net.SettledInvoiceAsync(job.Id);
        Assert.Equal("tokens", invoice.SampleUnit);
        Assert.Equal(2, invoice.Rounds.Count);
        var replayed = 0;
        foreach (var round in await Task.WhenAll(rounds.Select(r => net.Creator.RoundResultAsync(r.Id))))
            replayed += round.Result.Verdicts.Count(v => v.ReplayedSteps > 0);
        foreach (var line in invoice.Rounds.SelectMany(r => r.Lines))
        {
            output.WriteLine($"{line.Node}: {line.BaseLoss:F4} -> {line.UpdatedLoss:F4}, quality {line.QualityBps}, {line.Samples} tokens, paid {line.Payout}");
            Assert.True(line.Accepted, line.Reason);
            Assert.Null(line.Fraud);
            Assert.Equal(50L * 8 * 64, line.Samples);
            Assert.Equal(line.Samples * quote.TrainingFlopsPerSample, line.Flops);
            Assert.Equal(Settlement.QualityBps(new UpdateVerdict(line.Node, "", true, null, line.Samples, 50, 1, line.BaseLoss, 0, line.UpdatedLoss, 0, 0)),
                line.QualityBps);
        }
        output.WriteLine($"updates with replayed segments: {replayed}; billed {invoice.TotalBilled}, refund {invoice.Refund}, reserved {invoice.Reserved}");
        Assert.Equal(invoice.Rounds.SelectMany(r => r.Lines).Sum(l => l.Payout), invoice.ComputePaid);
        Assert.Equal(invoice.Reserved, invoice.TotalBilled + invoice.Refund);
        Assert.Equal(quote.Total, invoice.Reserved);
        var creator = await net.Creator.BalancesAsync(net.Creator.Address);
        Assert.Equal((Devnet.CreatorFunds - invoice.TotalBilled, 0L), (creator.Wallet, creator.Reserved));
        await net.VerifyLedgerAsync();
    }
}
