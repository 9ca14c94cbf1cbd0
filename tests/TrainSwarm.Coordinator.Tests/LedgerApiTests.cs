using System.Net;
using TrainSwarm.Ledger;
using TrainSwarm.Coordinator.UseCases;
using TrainSwarm.Protocol.Identity;
using TrainSwarm.Protocol.Wire;
using static TrainSwarm.Coordinator.Tests.Problems;

namespace TrainSwarm.Coordinator.Tests;

/// <summary>
/// The ledger as actors use it: the devnet faucet, claims of payouts, and actors' own transfers (only single
/// transfers with reason "transfer", only from their own accounts). Amounts are exact; refusals move nothing.
/// </summary>
public sealed class LedgerApiTests(CoordinatorFixture swarm) : IClassFixture<CoordinatorFixture>
{
    private async Task<HttpResponseMessage> PostSignedAsync(ActorKey key, string path, object body)
    {
        using var client = swarm.Client(key);
        return await client.SendSignedRawAsync(HttpMethod.Post, path, SwarmJson.SerializeToUtf8(body), "application/json");
    }

    private Task<HttpResponseMessage> PostTransferAsync(ActorKey key, TransferRequest request) =>
        PostSignedAsync(key, Routes.LedgerTransfers, SignedTransferWire.Sign(request, key));

    /// <summary>A transfer id of the test's own, derived from a label (no random source).</summary>
    private static UInt128 TestId(string label, ActorKey key) => AccountIds.TransferFor($"ledger-api-test\0{label}\0{key.Address}");

    private async Task<(long Wallet, long Reserved, long Claimable)> MoneyAsync(string address)
    {
        var b = await swarm.BalancesAsync(address);
        return (b.Wallet, b.Reserved, b.Claimable);
    }

    // ---- faucet ----

    [Fact]
    public async Task The_faucet_mints_exactly_the_amount_into_the_signers_wallet()
    {
        using var actor = await swarm.ActorAsync("creator", funds: 0);
        Assert.Equal((0L, 0L, 0L), await MoneyAsync(actor.Address));
        using var client = swarm.Client(actor);
        var first = await client.FaucetAsync(1_234_567);
        Assert.Equal("ok", first.Status);
        Assert.True(first.Sequence > 0);
        Assert.Equal((1_234_567L, 0L, 0L), await MoneyAsync(actor.Address));
        var most = await client.FaucetAsync(MintFromFaucet.MaxAmount);
        Assert.True(most.Sequence > first.Sequence);
        Assert.Equal((1_234_567L + MintFromFaucet.MaxAmount, 0L, 0L), await MoneyAsync(actor.Address));
        var minted = await client.LedgerTransferAsync(first.Id);
        Assert.Equal((TransferKind.Single, Reason.Mint, 1_234_567L, TransferWire.Hex(MarketIds.Wallet(actor.Address))),
            (minted.Kind, minted.Reason, minted.Amount, minted.CreditAccount));
        await swarm.AssertLedgerOkAsync();
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(MintFromFaucet.MaxAmount + 1)]
    [InlineData(long.MaxValue)]
    public async Task A_faucet_amount_out_of_range_is_400_and_mints_nothing(long amount)
    {
        using var actor = await swarm.ActorAsync("creator", funds: 5);
        using var response = await PostSignedAsync(actor, Routes.Faucet, new FaucetRequest(amount));
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("amount must be between 1 and", Detail(problem), StringComparison.Ordinal);
        Assert.Equal((5L, 0L, 0L), await MoneyAsync(actor.Address));
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task An_unregistered_key_cannot_use_the_faucet()
    {
        // An unregistered key has no public key on file, so the signature layer refuses it before the faucet runs.
        using var stranger = ActorKey.Generate();
        var supply = (await VerifyAsync()).Supply;
        using var response = await PostSignedAsync(stranger, Routes.Faucet, new FaucetRequest(1_000_000));
        var problem = await AssertAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal($"the key {stranger.Address} is not registered", Detail(problem));
        Assert.Equal((0L, 0L, 0L), await MoneyAsync(stranger.Address));
        Assert.Equal(supply, (await VerifyAsync()).Supply);
        await swarm.AssertLedgerOkAsync();
    }

    private async Task<LedgerVerification> VerifyAsync()
    {
        using var client = swarm.Client();
        return await client.VerifyLedgerAsync();
    }

    // ---- claims ----

    [Fact]
    public async Task A_node_claims_its_payout_once_and_a_second_claim_moves_nothing()
    {
        using var paid = await swarm.PayOneRoundAsync();
        var rewards = await swarm.SettledRewardsAsync(paid.Round.Id);
        var node = paid.Nodes[1];
        var payout = rewards.Lines.Single(l => l.Node == node.Address).Payout;
        Assert.True(payout > 0);
        Assert.Equal((CoordinatorFixture.StartingFunds, 0L, payout), await MoneyAsync(node.Address));

        using var client = swarm.Client(node);
        var claimed = await client.ClaimAsync(paid.Round.Id);
        Assert.NotNull(claimed);
        Assert.Equal(("ok", TransferWire.Hex(MarketIds.Claim(paid.Round.Id, node.Address))), (claimed.Status, claimed.Id));
        Assert.True(claimed.Sequence > 0);
        Assert.Equal((CoordinatorFixture.StartingFunds + payout, 0L, 0L), await MoneyAsync(node.Address));

        var again = await client.ClaimAsync(paid.Round.Id);
        Assert.Equal(("exists", claimed.Id), (again!.Status, again.Id));
        Assert.Equal((CoordinatorFixture.StartingFunds + payout, 0L, 0L), await MoneyAsync(node.Address));

        // The rejected node was paid nothing: there is nothing to claim.
        using (var rejected = swarm.Client(paid.Nodes[2]))
            Assert.Null(await rejected.ClaimAsync(paid.Round.Id));
        Assert.Equal((CoordinatorFixture.StartingFunds, 0L, 0L), await MoneyAsync(paid.Nodes[2].Address));
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_claim_of_more_than_was_paid_is_refused_and_moves_nothing()
    {
        using var paid = await swarm.PayOneRoundAsync();
        var rewards = await swarm.SettledRewardsAsync(paid.Round.Id);
        var node = paid.Nodes[0];
        var payout = rewards.Lines[0].Payout;
        using var response = await PostTransferAsync(node, MarketTerms.Claim(node.Address, paid.Job.Id, 0, paid.Round.Id, payout + 1));
        await AssertAsync(response, HttpStatusCode.PaymentRequired);
        Assert.Equal((CoordinatorFixture.StartingFunds, 0L, payout), await MoneyAsync(node.Address));
        // The refused claim used the claim's id; the right claim under the same id still goes through.
        using (var client = swarm.Client(node))
            Assert.Equal("ok", (await client.ClaimAsync(paid.Round.Id))!.Status);
        Assert.Equal((CoordinatorFixture.StartingFunds + payout, 0L, 0L), await MoneyAsync(node.Address));
        await swarm.AssertLedgerOkAsync();
    }

    // ---- actors' transfers ----

    [Fact]
    public async Task An_actor_pays_another_wallet_exactly()
    {
        using var payer = await swarm.ActorAsync("creator");
        using var payee = await swarm.ActorAsync("creator");
        using var client = swarm.Client(payer);
        var pay = TransferRequest.Single(TestId("pay", payer), MarketIds.Wallet(payer.Address), MarketIds.Wallet(payee.Address), 250_000, Reason.Transfer);
        var outcome = await client.TransferAsync(pay);
        Assert.Equal("ok", outcome.Status);
        Assert.Equal((CoordinatorFixture.StartingFunds - 250_000, 0L, 0L), await MoneyAsync(payer.Address));
        Assert.Equal((CoordinatorFixture.StartingFunds + 250_000, 0L, 0L), await MoneyAsync(payee.Address));
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task Reserved_funds_cannot_be_spent()
    {
        // The creator's budget is in escrow and the node's stake is locked: neither can pay with its whole balance.
        using var creator = await swarm.ActorAsync("creator");
        var job = await swarm.JobAsync(creator, Specs.Tiny with { MinNodes = 2, MaxNodes = 2, OpenSeconds = 3600 });
        using var node = await swarm.NodeAsync("fashion-mnist");
        using (var client = swarm.Client(node))
            await client.JoinAsync((await swarm.RoundOfAsync(job.Id)).Id);
        using var payee = await swarm.ActorAsync("creator", funds: 0);
        var budget = job.Billing!.Budget;
        var stake = (await swarm.InfoAsync()).StakePerRound;

        foreach (var (key, reserved) in new[] { (creator, budget), (node, stake) })
        {
            var request = TransferRequest.Single(TestId("spend-reserved", key), MarketIds.Wallet(key.Address), MarketIds.Wallet(payee.Address),
                CoordinatorFixture.StartingFunds, Reason.Transfer);
            using (var response = await PostTransferAsync(key, request))
                await AssertAsync(response, HttpStatusCode.PaymentRequired);
            Assert.Equal((CoordinatorFixture.StartingFunds - reserved, reserved),
                ((await MoneyAsync(key.Address)).Wallet, (await MoneyAsync(key.Address)).Reserved));
            // What is available can be spent, to the last micro-token.
            using var client = swarm.Client(key);
            var available = request with { Id = TestId("spend-available", key), Amount = CoordinatorFixture.StartingFunds - reserved };
            Assert.Equal("ok", (await client.TransferAsync(available)).Status);
            Assert.Equal((0L, reserved), ((await MoneyAsync(key.Address)).Wallet, (await MoneyAsync(key.Address)).Reserved));
        }
        Assert.Equal(2 * CoordinatorFixture.StartingFunds - budget - stake, (await MoneyAsync(payee.Address)).Wallet);
        await swarm.AssertLedgerOkAsync();
    }

    [Theory]
    [InlineData(TransferKind.Single, Reason.Payout)]
    [InlineData(TransferKind.Single, Reason.Fee)]
    [InlineData(TransferKind.Single, Reason.Mint)]
    [InlineData(TransferKind.Pending, Reason.Transfer)]
    [InlineData(TransferKind.Pending, Reason.Escrow)]
    public async Task Only_single_transfers_with_reason_transfer_are_accepted_from_actors(TransferKind kind, Reason reason)
    {
        using var node = await swarm.NodeAsync("fashion-mnist");
        using var other = await swarm.ActorAsync("creator");
        var request = new TransferRequest(TestId($"{kind}-{reason}", node), kind, MarketIds.Wallet(node.Address), MarketIds.Wallet(other.Address), 1_000,
            reason,
            TimeoutSeconds: kind == TransferKind.Pending ? 3600u : 0u);
        using var response = await PostTransferAsync(node, request);
        var problem = await AssertAsync(response, HttpStatusCode.BadRequest);
        Assert.StartsWith("actors may submit single transfers with reason transfer only", Detail(problem), StringComparison.Ordinal);
        Assert.Equal((CoordinatorFixture.StartingFunds, 0L, 0L), await MoneyAsync(node.Address));
        Assert.Equal((CoordinatorFixture.StartingFunds, 0L, 0L), await MoneyAsync(other.Address));
        Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.LedgerTransfer(TransferWire.Hex(request.Id))));
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_transfer_debiting_someone_elses_account_is_403_and_moves_nothing()
    {
        using var thief = await swarm.NodeAsync("fashion-mnist");
        using var victim = await swarm.NodeAsync("fashion-mnist");
        var request = TransferRequest.Single(TestId("steal", thief), MarketIds.Wallet(victim.Address), MarketIds.Wallet(thief.Address), 1_000_000,
            Reason.Transfer);
        using (var response = await PostTransferAsync(thief, request))
            await AssertAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal((CoordinatorFixture.StartingFunds, 0L, 0L), await MoneyAsync(victim.Address));
        Assert.Equal((CoordinatorFixture.StartingFunds, 0L, 0L), await MoneyAsync(thief.Address));
        Assert.Equal(HttpStatusCode.NotFound, await swarm.StatusOfGetAsync(Routes.LedgerTransfer(TransferWire.Hex(request.Id))));
        await swarm.AssertLedgerOkAsync();
    }

    [Fact]
    public async Task A_transfer_signed_by_one_key_and_sent_by_another_is_403()
    {
        using var owner = await swarm.ActorAsync("creator");
        using var sender = await swarm.ActorAsync("creator");
        var request = TransferRequest.Single(TestId("relay", owner), MarketIds.Wallet(owner.Address), MarketIds.Wallet(sender.Address), 1_000,
            Reason.Transfer);
        using (var response = await PostSignedAsync(sender, Routes.LedgerTransfers, SignedTransferWire.Sign(request, owner)))
            await AssertAsync(response, HttpStatusCode.Forbidden);
        Assert.Equal((CoordinatorFixture.StartingFunds, 0L, 0L), await MoneyAsync(owner.Address));
        Assert.Equal((CoordinatorFixture.StartingFunds, 0L, 0L), await MoneyAsync(sender.Address));
        await swarm.AssertLedgerOkAsync();
    }

    // ---- reading the chain ----

    [Fact]
    public async Task The_entries_chain_by_hash_and_verification_counts_them_all()
    {
        using var actor = await swarm.ActorAsync("creator", funds: 7);
        using var client = swarm.Client();
        var report = await client.VerifyLedgerAsync();
        Assert.True(report.Ok, report.Summary);
        var entries = new List<LedgerEntryView>();
        for (var page = await client.LedgerEntriesAsync(0, 1000); page.Count > 0; page = await client.LedgerEntriesAsync(entries[^1].Sequence, 1000))
            entries.AddRange(page);
        Assert.True(entries.Count >= report.Entries);
        Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.Sequence));
        for (var i = 1; i < entries.Count; i++)
            Assert.Equal(entries[i - 1].Hash, entries[i].PreviousHash);
        Assert.Contains(entries, e =>
            e.Transfer is { Reason: Reason.Mint, Amount: 7 } t && t.CreditAccount == TransferWire.Hex(MarketIds.Wallet(actor.Address)));
        using var badPage = await swarm.Http.GetAsync(new Uri(swarm.BaseAddress, $"{Routes.LedgerEntries}?after=0&limit=0"));
        await AssertAsync(badPage, HttpStatusCode.BadRequest);
        await swarm.AssertLedgerOkAsync();
    }
}
