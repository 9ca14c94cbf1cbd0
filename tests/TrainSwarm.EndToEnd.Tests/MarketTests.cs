using TrainSwarm.Cli.Devnet;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Wire;

namespace TrainSwarm.EndToEnd.Tests;

/// <summary>
/// The money around whole jobs on a devnet of real processes: quote, escrow, per-round payouts, refund, and the
/// invoice against the ledger's own entries. Amounts are micro-tokens and are asserted exactly.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class MarketTests(ITestOutputHelper output)
{
    private static JobSpec Mlp(int rounds, int innerSteps = 50) => new()
    {
        Name = "market", Model = "mlp", Dataset = "fashion-mnist", Rounds = rounds, MinNodes = 1, MaxNodes = 3, InnerSteps = innerSteps,
        BatchSize = 32, LearningRate = 0.05, Optimizer = "sgd", Momentum = 0.9, Strategy = "fedavg", TrainSamples = 12_000,
        OpenSeconds = 8, TrainSeconds = 300, Seed = 5,
    };

    [Fact]
    public async Task A_job_is_quoted_escrowed_paid_round_by_round_and_refunded_and_the_invoice_equals_the_ledger()
    {
        await using var net = await DevnetScope.StartAsync(output);
        var spec = Mlp(rounds: 2);
        var quote = await net.Creator.QuoteAsync(spec);
        var budget = quote.Total + 5 * Asset.UnitsPerToken;
        var job = await net.Creator.SubmitJobAsync(spec, quote, budget, 3600);
        Assert.Equal(quote.JobId, job.Id);
        var creator = net.Creator.Address;
        var held = await net.Creator.BalancesAsync(creator);
        Assert.Equal((Devnet.CreatorFunds - budget, budget), (held.Wallet, held.Reserved));

        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(6));
        Assert.Equal(JobStatus.Completed, job.Status);
        var invoice = await net.SettledInvoiceAsync(job.Id);

        // The bill adds up, stays within the quote, and the rest came back.
        Assert.Equal(budget, invoice.Reserved);
        Assert.Equal(2, invoice.Rounds.Count);
        Assert.Equal(invoice.Rounds.Sum(r => r.Total), invoice.TotalBilled);
        Assert.Equal(invoice.ComputePaid + invoice.ValidatorFees + invoice.ProtocolFees, invoice.TotalBilled);
        Assert.Equal(invoice.Reserved, invoice.TotalBilled + invoice.Refund);
        Assert.True(invoice.TotalBilled <= quote.Total, $"billed {invoice.TotalBilled} > quoted {quote.Total}");
        output.WriteLine($"quote {Asset.Format(quote.Total)}, billed {Asset.Format(invoice.TotalBilled)} " +
            $"(ratio {(double)invoice.TotalBilled / quote.Total:F4}), refund {Asset.Format(invoice.Refund!.Value)}");
        var after = await net.Creator.BalancesAsync(creator);
        Assert.Equal((Devnet.CreatorFunds - invoice.TotalBilled, 0L), (after.Wallet, after.Reserved));

        // Every line of the invoice is a committed ledger transfer with exactly that amount, payee and reference.
        var coordinator = (await net.Creator.InfoAsync()).Address;
        var sequences = new List<long> { invoice.EscrowSequence, invoice.RefundSequence };
        foreach (var round in invoice.Rounds)
        {
            Assert.True(round.Settled);
            Assert.Equal(3, round.Lines.Count);
            foreach (var line in round.Lines.Where(l => l.Payout > 0))
            {
                var transfer = await net.Creator.LedgerTransferAsync(line.TransferId!);
                Assert.Equal((Reason.Payout, line.Payout, TransferWire.Hex(MarketIds.Claimable(line.Node)), job.Id, (long)round.Index),
                    (transfer.Reason, transfer.Amount, transfer.CreditAccount, transfer.Job, transfer.Round));
                Assert.Equal(TransferWire.Hex(MarketIds.EscrowAccount(coordinator, job.Id)), transfer.DebitAccount);
                sequences.Add(line.Sequence);
            }
            foreach (var (fee, payee) in new[] { (round.ValidatorFee, net.Net.ValidatorAddress), (round.ProtocolFee, coordinator) })
            {
                var transfer = await net.Creator.LedgerTransferAsync(fee.TransferId!);
                Assert.Equal((Reason.Fee, fee.Amount, TransferWire.Hex(MarketIds.Fees(payee))), (transfer.Reason, transfer.Amount, transfer.CreditAccount));
                sequences.Add(fee.Sequence);
            }
            var post = await net.Creator.LedgerTransferAsync(round.PostTransferId!);
            Assert.Equal((TransferKind.Post, round.Total), (post.Kind, post.Amount));
            sequences.Add(round.PostSequence);
        }
        var refund = await net.Creator.LedgerTransferAsync(invoice.RefundTransferId!);
        Assert.Equal((TransferKind.Void, Reason.Escrow, job.Id), (refund.Kind, refund.Reason, refund.Job));
        Assert.All(sequences, s => Assert.True(s > 0));
        Assert.Equal(sequences.Count, sequences.Distinct().Count());

        // Each node holds its starting funds plus exactly what it earned (claimed or still claimable); stakes are back.
        foreach (var node in await net.Creator.NodesAsync())
        {
            var earned = invoice.Rounds.SelectMany(r => r.Lines).Where(l => l.Node == node.Address).Sum(l => l.Payout);
            Assert.Equal(earned, node.Earned);
            var money = await net.Creator.BalancesAsync(node.Address);
            Assert.Equal((Devnet.NodeFunds + earned, 0L), (money.Wallet + money.Claimable, money.Reserved));
        }
        await net.VerifyLedgerAsync();
    }

    [Fact]
    public async Task A_job_that_reaches_its_target_early_is_billed_for_the_rounds_it_ran_and_refunded_the_rest()
    {
        await using var net = await DevnetScope.StartAsync(output, nodes: 2);
        // Any trained round clears 30% holdout accuracy on ten classes, so the job ends after round 0.
        var spec = Mlp(rounds: 4) with { MaxNodes = 2, TargetAccuracy = 0.3 };
        var quote = await net.Creator.QuoteAsync(spec);
        var job = await net.Creator.SubmitJobAsync(spec, quote, quote.Total, 3600);
        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(5));
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.StartsWith("target", job.StatusReason);

        var invoice = await net.SettledInvoiceAsync(job.Id);
        Assert.Single(invoice.Rounds);
        Assert.Equal(invoice.Reserved, invoice.TotalBilled + invoice.Refund);
        // Three of the four quoted rounds never ran, so at least their share comes back.
        Assert.True(invoice.Refund >= quote.Total * 3 / 4, $"refund {invoice.Refund} of {quote.Total}");
        Assert.Equal(Devnet.CreatorFunds - invoice.TotalBilled, (await net.Creator.BalancesAsync(net.Creator.Address)).Wallet);
        await net.VerifyLedgerAsync();
    }

    [Fact]
    public async Task A_partial_budget_pays_the_round_it_runs_out_in_pro_rata_and_ends_the_job()
    {
        await using var net = await DevnetScope.StartAsync(output);
        var spec = Mlp(rounds: 4);
        var quote = await net.Creator.QuoteAsync(spec);
        // One full round is 3 full-quality updates and their fees; the budget pays for one and a half.
        var full = (long)((Int128)spec.InnerSteps * spec.BatchSize * quote.TrainingFlopsPerSample * quote.PricePerUnit / 1_000_000_000);
        var compute = 3 * full;
        var roundCost = compute + compute * quote.ValidatorFeeBps / 10_000 + compute * quote.ProtocolFeeBps / 10_000;
        var budget = roundCost + roundCost / 2;
        var job = await net.Creator.SubmitJobAsync(spec, quote, budget, 3600, partialBudget: true);
        job = await net.WaitForEndAsync(job.Id, TimeSpan.FromMinutes(6));
        Assert.Equal(JobStatus.Completed, job.Status);
        Assert.StartsWith("budget spent", job.StatusReason);

        var invoice = await net.SettledInvoiceAsync(job.Id);
        Assert.Equal(2, invoice.Rounds.Count);
        Assert.True(invoice.Rounds[^1].BudgetScaleBps < 10_000, $"last round scale {invoice.Rounds[^1].BudgetScaleBps}");
        Assert.Equal(invoice.Reserved, invoice.TotalBilled + invoice.Refund);
        Assert.True(invoice.TotalBilled <= budget);
        Assert.Equal(Devnet.CreatorFunds - invoice.TotalBilled, (await net.Creator.BalancesAsync(net.Creator.Address)).Wallet);
        await net.VerifyLedgerAsync();
    }

    [Fact]
    public async Task A_job_cancelled_mid_round_costs_nothing_and_returns_every_stake()
    {
        await using var net = await DevnetScope.StartAsync(output, nodes: 2);
        // H = 3000 keeps the nodes training long enough for the cancel to land mid-round.
        var spec = Mlp(rounds: 2, innerSteps: 3000) with { MaxNodes = 2, OpenSeconds = 3 };
        var quote = await net.Creator.QuoteAsync(spec);
        var job = await net.Creator.SubmitJobAsync(spec, quote, quote.Total, 3600);
        var training = await Wait.ForAsync(async () => await net.Creator.RoundAsync($"{job.Id}-r0") is { Status: RoundStatus.Training } r ? r : null,
            TimeSpan.FromMinutes(3), "round 0 to start training");
        foreach (var p in training.Participants)
            Assert.Equal(Devnet.NodeFunds - 1_000_000, (await net.Creator.BalancesAsync(p.Node)).Wallet); // 1 token staked

        var cancelled = await net.Creator.CancelJobAsync(job.Id);
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        var invoice = await net.SettledInvoiceAsync(job.Id);
        Assert.Empty(invoice.Rounds);
        Assert.Equal((0L, (long?)quote.Total), (invoice.TotalBilled, invoice.Refund));
        var creator = await net.Creator.BalancesAsync(net.Creator.Address);
        Assert.Equal((Devnet.CreatorFunds, 0L), (creator.Wallet, creator.Reserved));
        foreach (var p in training.Participants)
        {
            var stake = await Wait.ForAsync(
                async () => await net.Creator.BalancesAsync(p.Node) is { Reserved: 0 } b ? b : null, TimeSpan.FromMinutes(2), "stakes to return");
            Assert.Equal((Devnet.NodeFunds, 0L), (stake.Wallet, stake.Claimable));
        }
        await net.VerifyLedgerAsync();
    }
}
