using System.Net;
using TrainSwarm.Client;
using TrainSwarm.Ledger;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// The market against a real coordinator: escrowed submission against a binding quote, stakes on join, refunds on
/// cancel and expiry, and one round paid by quality. Amounts are exact micro-tokens; every refusal leaves jobs and
/// balances as they were; every test ends with the ledger replaying cleanly.
/// </summary>
public sealed class MarketApiTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>
{
    /// <summary>A round that stays open with one node joined (it needs two).</summary>
    private static readonly JobSpec TwoNodes = Specs.Tiny with { MinNodes = 2, MaxNodes = 2, OpenSeconds = 3600 };

    private async Task<HttpResponseMessage> PostSubmissionAsync(ActorKey creator, JobSubmission submission)
    {
        using var client = swarm.Client(creator);
        return await client.SendSignedRawAsync(HttpMethod.Post, Routes.Jobs, SwarmJson.SerializeToUtf8(submission), "application/json");
    }

    private async Task<JobView> SubmitAsync(ActorKey creator, JobSubmission submission)
    {
        using var client = swarm.Client(creator);
        return await client.SendSignedAsync<JobView>(HttpMethod.Post, Routes.Jobs, submission);
    }

    /// <summary>Posts a submission that must be refused with <paramref name="status"/>; asserts no job and no money moved. Returns the detail.</summary>
    private async Task<string> AssertRefusedAsync(ActorKey creator, JobSubmission submission, HttpStatusCode status)
    {
        var jobs = await swarm.JobCountAsync();
        var before = await swarm.BalancesAsync(creator.Address);
        using var response = await PostSubmissionAsync(creator, submission);
        var problem = await AssertAsync(response, status);
        Assert.Equal(jobs, await swarm.JobCountAsync());
        var after = await swarm.BalancesAsync(creator.Address);
        Assert.Equal((before.Wallet, before.Reserved), (after.Wallet, after.Reserved));
        return Detail(problem);
    }

    private async Task AssertWalletAsync(string address, long wallet, long reserved)
    {
        var balances = await swarm.BalancesAsync(address);
        Assert.Equal((wallet, reserved), (balances.Wallet, balances.Reserved));
    }

    private static JobSubmission Resigned(JobSubmission submission, string coordinator, string jobId, ActorKey signer, long? amount = null,
        string? creator = null) =>
        submission with
        {
            Escrow = SignedTransferWire.Sign(
                MarketTerms.Escrow(creator ?? signer.Address, coordinator, jobId, amount ?? submission.Budget, submission.DeadlineSeconds), signer),
        };

    // ---- submission and escrow ----

    [Fact]
    public async Task Submitting_reserves_exactly_the_budget_from_the_creators_wallet()
    {
        using var creator = await swarm.ActorAsync("creator");
        var (quote, submission) = await swarm.SubmissionAsync(creator);
        var job = await SubmitAsync(creator, submission);

        Assert.Equal(quote.JobId, job.Id);
        var billing = job.Billing!;
        Assert.Equal((quote.Id, quote.Total, quote.Total, 0L, (long?)null), (billing.QuoteId, billing.Quoted, billing.Budget, billing.Spent, billing.Refunded));
        Assert.Equal(TransferWire.Hex(MarketIds.Escrow(job.Id)), billing.EscrowTransferId);
        await AssertWalletAsync(creator.Address, CoordinatorFixture.StartingFunds - quote.Total, quote.Total);
        var escrowAccount = MarketIds.EscrowAccount((await swarm.InfoAsync()).Address, job.Id);
        using var client = swarm.Client();
        var invoice = await client.InvoiceAsync(job.Id);
        Assert.Equal((quote.Total, 0L, (long?)null, false), (invoice.Reserved, invoice.TotalBilled, invoice.Refund, invoice.Settled));
        Assert.True(invoice.EscrowSequence > 0);
        var escrow = await client.LedgerTransferAsync(billing.EscrowTransferId);
        Assert.Equal((TransferKind.Pending, quote.Total, TransferWire.Hex(escrowAccount)), (escrow.Kind, escrow.Amount, escrow.CreditAccount));
        // The open round tells a node what a full-quality update would earn: the budget covers a whole round.
        var round = await client.RoundAsync((await swarm.RoundOfAsync(job.Id)).Id);
        Assert.Equal(MarketDriver.Payout(quote, (long)Specs.Tiny.InnerSteps * Specs.Tiny.BatchSize, 10_000), round.ExpectedReward);
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_wallet_short_of_the_budget_is_402_and_reserves_nothing_and_the_quote_stays_usable()
    {
        const long funds = 1_000;
        using var creator = await swarm.ActorAsync("creator", funds);
        var (quote, submission) = await swarm.SubmissionAsync(creator);
        Assert.True(quote.Total > funds);

        var detail = await AssertRefusedAsync(creator, submission, HttpStatusCode.PaymentRequired);
        Assert.Contains("0.001000 tokens available", detail, StringComparison.Ordinal);
        await AssertWalletAsync(creator.Address, funds, 0);
        Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.Job(quote.JobId)));

        // Once funded, the very same submission (same quote, same escrow id) goes through.
        using (var client = swarm.Client(creator))
            await client.FaucetAsync(quote.Total);
        var job = await SubmitAsync(creator, submission);
        Assert.Equal(quote.JobId, job.Id);
        await AssertWalletAsync(creator.Address, funds, quote.Total);
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_budget_below_the_quote_is_400_unless_the_creator_accepts_a_partial_job()
    {
        using var creator = await swarm.ActorAsync("creator");
        long budget;
        using (var client = swarm.Client())
            budget = (await client.QuoteAsync(Specs.Tiny)).Total - 1;
        var (quote, submission) = await swarm.SubmissionAsync(creator, budget: budget);

        var detail = await AssertRefusedAsync(creator, submission, HttpStatusCode.BadRequest);
        Assert.Contains("below the quote's total", detail, StringComparison.Ordinal);

        var job = await SubmitAsync(creator, submission with { PartialBudget = true });
        Assert.Equal(quote.JobId, job.Id);
        Assert.Equal((budget, true), (job.Billing!.Budget, job.Billing.PartialBudget));
        await AssertWalletAsync(creator.Address, CoordinatorFixture.StartingFunds - budget, budget);
        await swarm.AssertLedgerOkAsync();
    }

    [Theory]
    [InlineData(0, 86_400, "budget")]
    [InlineData(-5, 86_400, "budget")]
    [InlineData(null, 4, "deadlineSeconds")]
    [InlineData(null, 30 * 86_400 + 1, "deadlineSeconds")]
    public async Task A_non_positive_budget_or_a_deadline_out_of_range_is_400(int? budget, int deadlineSeconds, string field)
    {
        using var creator = await swarm.ActorAsync("creator");
        var (_, submission) = await swarm.SubmissionAsync(creator, budget: budget, deadlineSeconds: deadlineSeconds, partialBudget: true);
        var detail = await AssertRefusedAsync(creator, submission, HttpStatusCode.BadRequest);
        Assert.StartsWith(field, detail, StringComparison.Ordinal);
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task An_unknown_quote_is_404()
    {
        using var creator = await swarm.ActorAsync("creator");
        var (_, submission) = await swarm.SubmissionAsync(creator);
        var detail = await AssertRefusedAsync(creator, submission with { QuoteId = "q000000000000" }, HttpStatusCode.NotFound);
        Assert.StartsWith("no quote q000000000000", detail, StringComparison.Ordinal);
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_spec_other_than_the_quoted_one_is_400()
    {
        using var creator = await swarm.ActorAsync("creator");
        var (quote, submission) = await swarm.SubmissionAsync(creator);
        var detail = await AssertRefusedAsync(creator, submission with { Spec = Specs.Tiny with { Seed = 8 } }, HttpStatusCode.BadRequest);
        Assert.StartsWith($"the spec differs from the one quote {quote.Id} priced", detail, StringComparison.Ordinal);
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_retried_submission_returns_the_same_job_and_reserves_once()
    {
        using var creator = await swarm.ActorAsync("creator");
        var (quote, submission) = await swarm.SubmissionAsync(creator);
        var first = await SubmitAsync(creator, submission);
        var jobs = await swarm.JobCountAsync();
        var again = await SubmitAsync(creator, submission);
        Assert.Equal(SwarmJson.Serialize(first), SwarmJson.Serialize(again));
        Assert.Equal(jobs, await swarm.JobCountAsync());
        await AssertWalletAsync(creator.Address, CoordinatorFixture.StartingFunds - quote.Total, quote.Total);
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task The_same_submission_sent_concurrently_creates_one_job_and_reserves_once()
    {
        using var creator = await swarm.ActorAsync("creator");
        var (quote, submission) = await swarm.SubmissionAsync(creator);
        var jobs = await swarm.JobCountAsync();
        var sent = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => PostSubmissionAsync(creator, submission)));
        foreach (var response in sent)
            using (response)
                Assert.True(response.StatusCode == HttpStatusCode.Created, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        Assert.Equal(jobs + 1, await swarm.JobCountAsync());
        await AssertWalletAsync(creator.Address, CoordinatorFixture.StartingFunds - quote.Total, quote.Total);
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_used_quote_with_another_budget_or_by_another_creator_is_409()
    {
        using var creator = await swarm.ActorAsync("creator");
        using var rival = await swarm.ActorAsync("creator");
        var coordinator = (await swarm.InfoAsync()).Address;
        var (quote, submission) = await swarm.SubmissionAsync(creator);
        await SubmitAsync(creator, submission);

        var bigger = Resigned(submission with { Budget = quote.Total + 1 }, coordinator, quote.JobId, creator);
        Assert.StartsWith($"quote {quote.Id} was used by job {quote.JobId}", await AssertRefusedAsync(creator, bigger, HttpStatusCode.Conflict),
            StringComparison.Ordinal);
        var theirs = Resigned(submission, coordinator, quote.JobId, rival);
        await AssertRefusedAsync(rival, theirs, HttpStatusCode.Conflict);

        await AssertWalletAsync(creator.Address, CoordinatorFixture.StartingFunds - quote.Total, quote.Total);
        await AssertWalletAsync(rival.Address, CoordinatorFixture.StartingFunds, 0);
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task An_escrow_that_is_not_exactly_the_creators_reservation_is_refused_and_reserves_nothing()
    {
        using var creator = await swarm.ActorAsync("creator");
        using var other = await swarm.ActorAsync("creator");
        var coordinator = (await swarm.InfoAsync()).Address;
        var (quote, submission) = await swarm.SubmissionAsync(creator);

        // Signed by another key, over the other key's own wallet: the creator may not spend it.
        var detail = await AssertRefusedAsync(creator, Resigned(submission, coordinator, quote.JobId, other), HttpStatusCode.Forbidden);
        Assert.Contains($"signed by the submitting creator {creator.Address}", detail, StringComparison.Ordinal);
        // The creator's reservation, but signed by another key under the creator's address.
        var forged = Resigned(submission, coordinator, quote.JobId, other, creator: creator.Address);
        forged = forged with { Escrow = forged.Escrow with { Address = creator.Address, PublicKey = Convert.ToBase64String(creator.PublicKey) } };
        Assert.InRange((int)await StatusOfAsync(creator, forged), 400, 499);
        // A wrong amount, a wrong credit account (another job's escrow account), a wrong debit account.
        Assert.StartsWith("escrow.amount", await AssertRefusedAsync(creator, Resigned(submission, coordinator, quote.JobId, creator, amount: quote.Total - 1),
            HttpStatusCode.BadRequest), StringComparison.Ordinal);
        var elsewhere = submission with
        {
            Escrow = SignedTransferWire.Sign(MarketTerms.Escrow(creator.Address, coordinator, "j000000000000", quote.Total, submission.DeadlineSeconds)
                with { Id = MarketIds.Escrow(quote.JobId) }, creator),
        };
        Assert.StartsWith("escrow.creditAccount", await AssertRefusedAsync(creator, elsewhere, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        var fromOther = submission with
        {
            Escrow = SignedTransferWire.Sign(MarketTerms.Escrow(creator.Address, coordinator, quote.JobId, quote.Total, submission.DeadlineSeconds)
                with { DebitAccount = MarketIds.Wallet(other.Address) }, creator),
        };
        Assert.StartsWith("escrow.debitAccount", await AssertRefusedAsync(creator, fromOther, HttpStatusCode.BadRequest), StringComparison.Ordinal);
        // A timeout that does not match the deadline.
        var shortLived = submission with
        {
            Escrow = SignedTransferWire.Sign(MarketTerms.Escrow(creator.Address, coordinator, quote.JobId, quote.Total, submission.DeadlineSeconds)
                with { TimeoutSeconds = 10 }, creator),
        };
        Assert.StartsWith("escrow.timeoutSeconds", await AssertRefusedAsync(creator, shortLived, HttpStatusCode.BadRequest), StringComparison.Ordinal);

        await AssertWalletAsync(creator.Address, CoordinatorFixture.StartingFunds, 0);
        await AssertWalletAsync(other.Address, CoordinatorFixture.StartingFunds, 0);
        Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.Job(quote.JobId)));
        // None of that spent the quote.
        Assert.Equal(quote.JobId, (await SubmitAsync(creator, submission)).Id);
        await swarm.AssertLedgerOkAsync();
    }

    private async Task<HttpStatusCode> StatusOfAsync(ActorKey creator, JobSubmission submission)
    {
        var jobs = await swarm.JobCountAsync();
        var before = await swarm.BalancesAsync(creator.Address);
        using var response = await PostSubmissionAsync(creator, submission);
        await AssertAsync(response, response.StatusCode);
        Assert.Equal(jobs, await swarm.JobCountAsync());
        var after = await swarm.BalancesAsync(creator.Address);
        Assert.Equal((before.Wallet, before.Reserved), (after.Wallet, after.Reserved));
        return response.StatusCode;
    }

    [Fact]
    public async Task A_submission_without_an_escrow_is_400()
    {
        using var creator = await swarm.ActorAsync("creator");
        var (_, submission) = await swarm.SubmissionAsync(creator);
        var detail = await AssertRefusedAsync(creator, submission with { Escrow = null! }, HttpStatusCode.BadRequest);
        Assert.StartsWith("escrow is required", detail, StringComparison.Ordinal);
        await swarm.AssertLedgerOkAsync();
    }

    // ---- stakes ----

    [Fact]
    public async Task Joining_locks_the_stake_and_a_node_that_cannot_pay_it_is_402_and_not_a_participant()
    {
        using var creator = await swarm.ActorAsync("creator");
        var job = await swarm.JobAsync(creator, TwoNodes);
        var round = await swarm.RoundOfAsync(job.Id);
        var stake = (await swarm.InfoAsync()).StakePerRound;
        Assert.Equal(1_000_000, stake);

        using var node = await swarm.NodeAsync("fashion-mnist");
        using (var client = swarm.Client(node))
            await client.JoinAsync(round.Id);
        await AssertWalletAsync(node.Address, CoordinatorFixture.StartingFunds - stake, stake);
        using (var client = swarm.Client())
            Assert.Equal(stake, (await client.NodeAsync(node.Address)).Staked);

        using var broke = ActorKey.Generate();
        using (var client = swarm.Client(broke))
        {
            await client.RegisterNodeAsync("broke", new Hardware(4, 8L << 30, "linux", "x64"), new Benchmark("mlp", 1000), ["fashion-mnist"]);
            using var response = await client.SendSignedRawAsync(HttpMethod.Post, Routes.RoundJoin(round.Id), "{}"u8.ToArray(), "application/json");
            var problem = await AssertAsync(response, HttpStatusCode.PaymentRequired);
            Assert.Equal("Insufficient stake", problem.GetProperty("title").GetString());
        }
        var after = await swarm.RoundOfAsync(job.Id);
        Assert.Equal([node.Address], after.Participants.Select(p => p.Node));
        Assert.Equal(RoundStatus.Open, after.Status);
        await AssertWalletAsync(broke.Address, 0, 0);

        // Funded, the same node joins: the refused stake left nothing behind that blocks it.
        using (var client = swarm.Client(broke))
        {
            await client.FaucetAsync(stake);
            await client.JoinAsync(round.Id);
        }
        await AssertWalletAsync(broke.Address, 0, stake);
        await swarm.AssertLedgerOkAsync();
    }

    // ---- refunds ----

    [Fact]
    public async Task Cancelling_before_any_round_is_paid_refunds_the_whole_budget_and_releases_the_stakes()
    {
        using var creator = await swarm.ActorAsync("creator");
        var job = await swarm.JobAsync(creator, TwoNodes);
        var budget = job.Billing!.Budget;
        var round = await swarm.RoundOfAsync(job.Id);
        using var node = await swarm.NodeAsync("fashion-mnist");
        using (var client = swarm.Client(node))
            await client.JoinAsync(round.Id);

        JobView cancelled;
        using (var client = swarm.Client(creator))
            cancelled = await client.CancelJobAsync(job.Id);
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Equal((0L, (long?)budget), (cancelled.Billing!.Spent, cancelled.Billing.Refunded));

        var invoice = await swarm.SettledInvoiceAsync(job.Id);
        Assert.Equal((budget, 0L, (long?)budget), (invoice.Reserved, invoice.TotalBilled, invoice.Refund));
        Assert.Equal(invoice.Reserved, invoice.TotalBilled + invoice.Refund);
        Assert.Empty(invoice.Rounds);
        Assert.Equal(TransferWire.Hex(MarketIds.Refund(job.Id)), invoice.RefundTransferId);
        Assert.True(invoice.RefundSequence > invoice.EscrowSequence);
        await AssertWalletAsync(creator.Address, CoordinatorFixture.StartingFunds, 0);
        await CoordinatorFixture.EventuallyAsync(async () => (await swarm.BalancesAsync(node.Address)).Reserved == 0, "the stake to be released");
        await AssertWalletAsync(node.Address, CoordinatorFixture.StartingFunds, 0);
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_job_past_its_deadline_expires_and_refunds_the_whole_budget()
    {
        using var creator = await swarm.ActorAsync("creator");
        var (_, submission) = await swarm.SubmissionAsync(creator, TwoNodes, deadlineSeconds: 5);
        var job = await SubmitAsync(creator, submission);
        var budget = job.Billing!.Budget;
        await AssertWalletAsync(creator.Address, CoordinatorFixture.StartingFunds - budget, budget);
        using var node = await swarm.NodeAsync("fashion-mnist");
        using (var client = swarm.Client(node))
            await client.JoinAsync((await swarm.RoundOfAsync(job.Id)).Id);

        var ended = await swarm.EndedJobAsync(job.Id);
        Assert.Equal(JobStatus.Expired, ended.Status);
        var invoice = await swarm.SettledInvoiceAsync(job.Id);
        Assert.Equal((JobStatus.Expired, budget, 0L, (long?)budget), (invoice.Status, invoice.Reserved, invoice.TotalBilled, invoice.Refund));
        await AssertWalletAsync(creator.Address, CoordinatorFixture.StartingFunds, 0);
        await CoordinatorFixture.EventuallyAsync(async () => (await swarm.BalancesAsync(node.Address)).Reserved == 0, "the stake to be released");
        await AssertWalletAsync(node.Address, CoordinatorFixture.StartingFunds, 0);
        await swarm.AssertLedgerOkAsync();
    }

    // ---- a paid round ----

    [Fact]
    public async Task A_validated_round_pays_each_update_by_quality_with_fees_and_the_rest_is_refunded()
    {
        using var paid = await swarm.PayOneRoundAsync();
        var (quote, nodes) = (paid.Quote, paid.Nodes);
        long max = MarketDriver.RoundSpec.InnerSteps * MarketDriver.RoundSpec.BatchSize;
        var rewards = await swarm.SettledRewardsAsync(paid.Round.Id);

        Assert.Equal((paid.Job.Id, 0, 1, paid.Validator.Address, 10_000), (rewards.JobId, rewards.Index, rewards.Attempt, rewards.Validator,
            rewards.BudgetScaleBps));
        Assert.Equal(new RewardTerms(quote.PricePerUnit, quote.TrainingFlopsPerSample, max, quote.ValidatorFeeBps, quote.ProtocolFeeBps), rewards.Terms);
        Assert.Equal(nodes.Select(n => n.Address), rewards.Lines.Select(l => l.Node));
        var (improved, worsened, rejected) = (rewards.Lines[0], rewards.Lines[1], rewards.Lines[2]);
        // The first node claimed twice the samples it could have trained: it is paid for H × batch only.
        Assert.Equal((true, max, max * quote.TrainingFlopsPerSample, 10_000), (improved.Accepted, improved.Samples, improved.Flops, improved.QualityBps));
        Assert.Equal((true, max, 5_000), (worsened.Accepted, worsened.Samples, worsened.QualityBps));
        Assert.Equal((false, 0, 0L, (string?)null, 0L), (rejected.Accepted, rejected.QualityBps, rejected.Payout, rejected.TransferId, rejected.Sequence));
        Assert.Equal("update norm 1e9 above the limit", rejected.Reason);
        Assert.Equal(MarketDriver.Payout(quote, max, 10_000), improved.Payout);
        Assert.Equal(MarketDriver.Payout(quote, max, 5_000), worsened.Payout);
        Assert.True(worsened.Payout > 0 && improved.Payout > worsened.Payout);

        var compute = improved.Payout + worsened.Payout;
        var validatorFee = MarketDriver.Fee(compute, quote.ValidatorFeeBps);
        var protocolFee = MarketDriver.Fee(compute, quote.ProtocolFeeBps);
        Assert.True(validatorFee > 0 && protocolFee > 0);
        Assert.Equal((paid.Validator.Address, "validator", validatorFee), (rewards.ValidatorFee.Payee, rewards.ValidatorFee.Kind, rewards.ValidatorFee.Amount));
        var coordinator = (await swarm.InfoAsync()).Address;
        Assert.Equal((coordinator, "protocol", protocolFee), (rewards.ProtocolFee.Payee, rewards.ProtocolFee.Kind, rewards.ProtocolFee.Amount));
        Assert.Equal(compute + validatorFee + protocolFee, rewards.Total);
        // Every transfer of the round is committed: each id has its ledger entry.
        Assert.True(rewards.Settled);
        Assert.All([improved, worsened], l => Assert.True(l.TransferId is { Length: 32 } && l.Sequence > 0, $"{l.Node}: {l.TransferId} at {l.Sequence}"));
        Assert.True(rewards.ValidatorFee.TransferId is { Length: 32 } && rewards.ValidatorFee.Sequence > 0);
        Assert.True(rewards.ProtocolFee.TransferId is { Length: 32 } && rewards.ProtocolFee.Sequence > 0);
        Assert.True(rewards.PostTransferId is { Length: 32 } && rewards.PostSequence > 0);

        // Who holds what now: nodes' claimable payouts, their stakes back, the fees in the fee accounts.
        for (var i = 0; i < nodes.Count; i++)
        {
            var balances = await swarm.BalancesAsync(nodes[i].Address);
            Assert.Equal((rewards.Lines[i].Payout, CoordinatorFixture.StartingFunds, 0L), (balances.Claimable, balances.Wallet, balances.Reserved));
        }
        Assert.Equal(validatorFee, await swarm.AccountBalanceAsync(paid.Validator.Address, MarketIds.Fees(paid.Validator.Address)));
        Assert.Equal(paid.CoordinatorFeesBefore + protocolFee, await swarm.AccountBalanceAsync(coordinator, MarketIds.Fees(coordinator)));

        // One round of one: the job is complete, the rest of the budget is back with the creator.
        var ended = await swarm.EndedJobAsync(paid.Job.Id);
        Assert.Equal(JobStatus.Completed, ended.Status);
        var invoice = await swarm.SettledInvoiceAsync(paid.Job.Id);
        Assert.Equal(quote.Total, invoice.Reserved);
        Assert.Equal((compute, validatorFee, protocolFee, rewards.Total), (invoice.ComputePaid, invoice.ValidatorFees, invoice.ProtocolFees,
            invoice.TotalBilled));
        Assert.Equal(invoice.Reserved - invoice.TotalBilled, invoice.Refund);
        Assert.Equal(invoice.Reserved, invoice.Rounds.Sum(r => r.Lines.Sum(l => l.Payout)) + invoice.ValidatorFees + invoice.ProtocolFees + invoice.Refund);
        Assert.Equal(SwarmJson.Serialize(rewards), SwarmJson.Serialize(Assert.Single(invoice.Rounds)));
        Assert.True(invoice.RefundSequence > rewards.PostSequence);
        Assert.Equal((rewards.Total, (long?)invoice.Refund), (ended.Billing!.Spent, ended.Billing.Refunded));
        await AssertWalletAsync(paid.Creator.Address, CoordinatorFixture.StartingFunds - rewards.Total, 0);
        using (var client = swarm.Client())
            Assert.Equal(improved.Payout, (await client.NodeAsync(nodes[0].Address)).Earned);
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task Cancelling_after_a_paid_round_refunds_exactly_the_rest_and_releases_the_next_rounds_stakes()
    {
        using var paid = await swarm.PayOneRoundAsync(spec: MarketDriver.RoundSpec with { Name = "two rounds", Rounds = 2 });
        var rewards = await swarm.SettledRewardsAsync(paid.Round.Id);
        var next = await swarm.RoundOfAsync(paid.Job.Id);
        Assert.Equal((1, RoundStatus.Open), (next.Index, next.Status));
        using (var client = swarm.Client(paid.Nodes[2]))
            await client.JoinAsync(next.Id);
        var stake = (await swarm.InfoAsync()).StakePerRound;
        await AssertWalletAsync(paid.Nodes[2].Address, CoordinatorFixture.StartingFunds - stake, stake);
        await AssertWalletAsync(paid.Creator.Address, CoordinatorFixture.StartingFunds - paid.Quote.Total, paid.Quote.Total - rewards.Total);

        using (var client = swarm.Client(paid.Creator))
            Assert.Equal(JobStatus.Cancelled, (await client.CancelJobAsync(paid.Job.Id)).Status);
        var invoice = await swarm.SettledInvoiceAsync(paid.Job.Id);
        Assert.Equal((paid.Quote.Total, rewards.Total, (long?)(paid.Quote.Total - rewards.Total)), (invoice.Reserved, invoice.TotalBilled, invoice.Refund));
        await AssertWalletAsync(paid.Creator.Address, CoordinatorFixture.StartingFunds - rewards.Total, 0);
        await CoordinatorFixture.EventuallyAsync(async () => (await swarm.BalancesAsync(paid.Nodes[2].Address)).Reserved == 0, "the stake to be released");
        await AssertWalletAsync(paid.Nodes[2].Address, CoordinatorFixture.StartingFunds, 0);
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_round_not_yet_paid_has_no_rewards()
    {
        using var creator = await swarm.ActorAsync("creator");
        var job = await swarm.JobAsync(creator, TwoNodes);
        var round = await swarm.RoundOfAsync(job.Id);
        using var response = await swarm.Http.GetAsync(new Uri(swarm.BaseAddress, Routes.RoundRewards(round.Id)));
        await AssertAsync(response, HttpStatusCode.NotFound);
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_partial_budget_pays_a_round_scaled_down_to_what_it_can_afford_and_never_more()
    {
        Quote quote;
        using (var client = swarm.Client())
            quote = await client.QuoteAsync(MarketDriver.RoundSpec); // the same terms the paid job gets
        long max = MarketDriver.RoundSpec.InnerSteps * MarketDriver.RoundSpec.BatchSize;

        // What the round (one full-quality and one half-quality update) costs at a scale in basis points.
        long TotalAt(int scale)
        {
            long Pay(int quality) =>
                (long)((Int128)max * quote.TrainingFlopsPerSample * quote.PricePerUnit * quality * scale / ((Int128)1_000_000_000 * 10_000 * 10_000));
            var compute = Pay(10_000) + Pay(5_000);
            return compute + MarketDriver.Fee(compute, quote.ValidatorFeeBps) + MarketDriver.Fee(compute, quote.ProtocolFeeBps);
        }
        var budget = TotalAt(10_000) / 2;
        // Two rounds are asked for, but the budget cannot pay even the first in full.
        using var paid = await swarm.PayOneRoundAsync(budget, partialBudget: true, MarketDriver.RoundSpec with { Name = "partial", Rounds = 2 });
        Assert.Equal((quote.TrainingFlopsPerSample, quote.PricePerUnit, quote.ValidatorFeeBps, quote.ProtocolFeeBps),
            (paid.Quote.TrainingFlopsPerSample, paid.Quote.PricePerUnit, paid.Quote.ValidatorFeeBps, paid.Quote.ProtocolFeeBps));
        var rewards = await swarm.SettledRewardsAsync(paid.Round.Id);

        var scale = Enumerable.Range(0, 10_001).Last(s => TotalAt(s) <= budget);
        Assert.Equal(scale, rewards.BudgetScaleBps);
        Assert.Equal(TotalAt(scale), rewards.Total);
        Assert.True(rewards.Total <= budget);
        Assert.Equal((long)((Int128)max * quote.TrainingFlopsPerSample * quote.PricePerUnit * 5_000 * scale / ((Int128)1_000_000_000 * 10_000 * 10_000)),
            rewards.Lines[1].Payout);

        var ended = await swarm.EndedJobAsync(paid.Job.Id);
        Assert.Equal((JobStatus.Completed, "budget spent after 1 rounds"), (ended.Status, ended.StatusReason));
        var invoice = await swarm.SettledInvoiceAsync(paid.Job.Id);
        Assert.Equal((budget, rewards.Total, (long?)(budget - rewards.Total)), (invoice.Reserved, invoice.TotalBilled, invoice.Refund));
        await AssertWalletAsync(paid.Creator.Address, CoordinatorFixture.StartingFunds - rewards.Total, 0);
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_round_retried_for_too_few_accepted_updates_and_then_paid_bills_exactly_what_the_ledger_moved()
    {
        var spec = MarketDriver.RoundSpec with { Name = "retried round", MinNodes = 2, MaxNodes = 2 };
        using var creator = await swarm.ActorAsync("creator");
        JobView job;
        using (var client = swarm.Client(creator))
            job = await client.SubmitJobAsync(spec);
        using var a = await swarm.NodeAsync("fashion-mnist");
        using var b = await swarm.NodeAsync("fashion-mnist");
        using var validator = await swarm.ActorAsync("validator");
        long max = spec.InnerSteps * spec.BatchSize;
        var roundId = (await swarm.RoundOfAsync(job.Id)).Id;

        // Attempt 1: one accepted of at least two: the round is retried.
        var (first, _) = await swarm.RunRoundAsync(roundId, [a, b], validator, [new(true, max, 1.0, 0.9), new(false, max, 1.0, 3.0, "rejected")]);
        Assert.Equal(1, first.Attempt);
        var retry = await swarm.RoundOfAsync(job.Id);
        Assert.Equal((roundId, 2, RoundStatus.Open), (retry.Id, retry.Attempt, retry.Status));
        // Attempt 2: both accepted, the job's only round is done.
        await swarm.RunRoundAsync(roundId, [a, b], validator, [new(true, max, 1.0, 0.9), new(true, max, 1.0, 0.9)]);
        Assert.Equal(JobStatus.Completed, (await swarm.EndedJobAsync(job.Id)).Status);

        var invoice = await swarm.SettledInvoiceAsync(job.Id);
        var rewards = await swarm.SettledRewardsAsync(roundId);
        Assert.Equal(2, rewards.Attempt);
        Assert.All(rewards.Lines, l => Assert.True(l.TransferId is not null && l.Sequence > 0, $"{l.Node}: {l.TransferId} at {l.Sequence}"));
        Assert.Equal(invoice.Reserved, invoice.TotalBilled + invoice.Refund);
        // What the invoice says was paid is what the accounts hold.
        foreach (var node in new[] { a, b })
            Assert.Equal(invoice.Rounds.SelectMany(r => r.Lines).Where(l => l.Node == node.Address).Sum(l => l.Payout),
                (await swarm.BalancesAsync(node.Address)).Claimable);
        Assert.Equal(invoice.ValidatorFees, await swarm.AccountBalanceAsync(validator.Address, MarketIds.Fees(validator.Address)));
        await AssertWalletAsync(creator.Address, CoordinatorFixture.StartingFunds - invoice.TotalBilled, 0);
        foreach (var node in new[] { a, b })
            Assert.Equal(0, (await swarm.BalancesAsync(node.Address)).Reserved);
        await swarm.AssertLedgerOkAsync();
    }
}
